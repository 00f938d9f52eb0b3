/**
 * Recurring relationships (state_transition_model, DSL §5.4): one relationship per parent row, starting in
 * the initial state at the parent's start time and moving once per period: from state s it leaves with
 * probability leave_s to a next state drawn ∝ next_s; the hazard of moving to a terminal state is scaled by
 * the parent segment's churn_multiplier. Everything is a keyed draw of (stream, parent ordinal, period), so
 * two facts with the same model (episodes and periods) tell the same story.
 */
import type { StateMachinePlan } from '../ir/types.ts';
import { uniform } from './rng.ts';
import type { Store } from './store.ts';
import { segmentMultipliers } from './segments.ts';

const DAY = 86_400_000;

/** Days of a mean Gregorian month: 365.2425 / 12. */
export const MEAN_MONTH_DAYS = 30.436875;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 1 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : MONTH_DAYS[m];
}

/**
 * Period starts of one relationship without a Date per call. Days and weeks are fixed steps. Months are mean
 * Gregorian months counted in whole days: period k starts round(k × 30.436875) days after t0, at t0's time of
 * day — within three days of the calendar anniversary, exactly 4 years after 48 months, and with no month-end
 * pile-up: calendar months that keep the day of month must put the 29th–31st somewhere in short months (clamped
 * to the last day, February 28 took four start days' worth of changes and the 30th two), whereas a shift by a
 * fixed number of days spreads starts that are spread over the calendar evenly over every month's days.
 * Years are calendar years that keep the date (a February 29 start falls on February 28 in common years).
 */
export class PeriodClock {
  private readonly y: number;
  private readonly m: number;
  private readonly d: number;
  private readonly tod: number;
  private readonly step: number;

  constructor(readonly t0: number, unit: StateMachinePlan['periodUnit']) {
    this.step = unit === 'day' ? 1 : unit === 'week' ? 7 : unit === 'month' ? MEAN_MONTH_DAYS : -12;
    const date = new Date(t0);
    this.y = date.getUTCFullYear();
    this.m = date.getUTCMonth();
    this.d = date.getUTCDate();
    this.tod = t0 - Date.UTC(this.y, this.m, this.d);
  }

  at(k: number): number {
    if (this.step === MEAN_MONTH_DAYS) return this.t0 + Math.round(k * MEAN_MONTH_DAYS) * DAY;
    if (this.step > 0) return this.t0 + k * this.step * DAY;
    const months = this.m + k * -this.step;
    const y = this.y + Math.floor(months / 12);
    const m = ((months % 12) + 12) % 12;
    return Date.UTC(y, m, Math.min(this.d, daysInMonth(y, m))) + this.tod;
  }

  /** Number of periods starting at or before endMs. */
  count(endMs: number): number {
    if (this.t0 > endMs) return 0;
    if (this.step === MEAN_MONTH_DAYS) {
      let k = Math.floor((endMs - this.t0) / DAY / MEAN_MONTH_DAYS) + 1;
      while (k > 0 && this.at(k - 1) > endMs) k--;
      while (this.at(k) <= endMs) k++;
      return k;
    }
    if (this.step > 0) return Math.floor((endMs - this.t0) / (this.step * DAY)) + 1;
    const e = new Date(endMs);
    let k = Math.floor(((e.getUTCFullYear() - this.y) * 12 + e.getUTCMonth() - this.m) / -this.step) + 1;
    while (k > 0 && this.at(k - 1) > endMs) k--;
    while (this.at(k) <= endMs) k++;
    return k;
  }
}

export interface Trajectory {
  /** State of each period, periods 0 … n − 1 (the last one may be the terminal state entered then). */
  states: Int32Array;
  n: number;
  t0: number;
  /** The parent's lifetime end when it cuts the relationship before the window end (else NaN). */
  stop: number;
}

export class StateMachineModel {
  private readonly start: Float64Array | null;
  private readonly churn: Float64Array | null;
  private buf = new Int32Array(64);
  /** Per state: cumulative weights of terminal and of non-terminal next states, and their totals. */
  private readonly termShare: number[];

  /** `starts_after`: the relationship starts when the parent reached a funnel stage (none if it never did). */
  /** `starts_after`: when parent p reached its trigger (NaN: never); built by the caller (state-timeline.ts gateTimeOf). */
  private readonly gate: ((p: number) => number) | null;

  /** The parent's lifetime end (`lifetime.to` column): no period starts after it. */
  private readonly end: ((p: number) => number) | null;

  /** `endOf`: the parent's lifetime end from states (src/model/state-timeline.ts stateEndOf), instead of an end column. */
  constructor(readonly m: StateMachinePlan, parent: string, readonly stream: number, store: Store, gateOf?: (p: number) => number, endOf?: (p: number) => number) {
    this.start = m.startFrom ? store.column(parent, m.startFrom).num : null;
    const end = m.endFrom ? store.column(parent, m.endFrom).num : null;
    this.end = endOf ?? (end ? (p) => end[p] : null);
    this.gate = gateOf ?? null;
    if (m.gate && !gateOf) throw new Error('internal: a gated state machine needs its trigger times (gateTimeOf)');
    this.churn = m.churn ? segmentMultipliers(store, m.churn) : null;
    this.termShare = m.next.map((w) => w.reduce((a, x, j) => a + (m.terminal[j] ? x : 0), 0));
  }

  /** The relationship of parent row p: its state in each period from its start to the window end. */
  trajectory(p: number): Trajectory {
    const m = this.m;
    let t0 = this.start ? this.start[p] : NaN;
    if (this.gate) {
      // Gated: from the stage time, not at all without it.
      t0 = this.gate(p);
      if (Number.isNaN(t0)) return { states: this.buf, n: 0, t0: m.endMs, stop: NaN };
    }
    if (Number.isNaN(t0)) t0 = m.startMs;
    let out = this.buf;
    let s = m.initial;
    let n = 0;
    const c = this.churn ? this.churn[p] : 1;
    // A parent whose lifetime ends inside the window: no period starts after its end.
    const died = this.end ? this.end(p) : NaN;
    const stop = died < m.endMs ? died : NaN;
    if (stop <= t0) return { states: this.buf, n: 0, t0, stop: NaN }; // ended before (or as) it would start
    const periods = new PeriodClock(t0, m.periodUnit).count(Number.isNaN(stop) ? m.endMs : stop);
    for (let k = 0; k < periods; k++) {
      if (n === out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        this.buf = out = grown;
      }
      out[n++] = s;
      if (m.terminal[s]) break;
      // Leaving at the end of period k: terminal moves with hazard × churn multiplier, the rest as declared.
      const q = m.leave[s];
      const pTerm = Math.min(1, q * this.termShare[s] * c);
      const pOther = Math.min(1 - pTerm, q * (1 - this.termShare[s]));
      const u = uniform(this.stream, p, k);
      if (u < pTerm) s = pick(m.next[s], m.terminal, true, u / pTerm);
      else if (u < pTerm + pOther) s = pick(m.next[s], m.terminal, false, (u - pTerm) / pOther);
    }
    return { states: out, n, t0, stop: n > 0 && !m.terminal[out[n - 1]] ? stop : NaN };
  }

  /** Rows of parent p: periods, or episodes (runs of equal states). */
  rows(p: number): number {
    const t = this.trajectory(p);
    if (this.m.emit === 'periods') return t.n;
    let e = 0;
    for (let k = 0; k < t.n; k++) if (k === 0 || t.states[k] !== t.states[k - 1]) e++;
    return e;
  }
}

/** A next state among the terminal (or non-terminal) ones, ∝ their weights, from a uniform in [0, 1). */
function pick(w: number[], terminal: boolean[], wantTerminal: boolean, u: number): number {
  let total = 0;
  for (let j = 0; j < w.length; j++) if (terminal[j] === wantTerminal) total += w[j];
  let acc = 0;
  let last = -1;
  for (let j = 0; j < w.length; j++) {
    if (terminal[j] !== wantTerminal || w[j] <= 0) continue;
    acc += w[j] / total;
    last = j;
    if (u < acc) return j;
  }
  return last;
}
