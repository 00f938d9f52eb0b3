/** What `datagen compare` reports (docs/compare.md): every figure of the JSON report, which the HTML report draws. */

/** How a column is compared, from its type in the source. */
export type ColumnKind = 'numeric' | 'datetime' | 'categorical' | 'text' | 'key' | 'other';

export interface ColumnShape {
  table: string;
  column: string;
  kind: ColumnKind;
  /** `ks` (1 − Kolmogorov–Smirnov statistic) for numbers and times, `tvd` (1 − total variation distance) for categories. */
  metric: 'ks' | 'tvd' | null;
  /** 0 … 1; null when not scored (keys, free text, unsupported types, a column empty in both). */
  score: number | null;
  /** The distance itself (KS statistic or TVD). */
  distance: number | null;
  status: 'scored' | 'missing' | 'skipped';
  note?: string;
  sourceType: string;
  twinType: string | null;
  sourceNullShare: number;
  twinNullShare: number | null;
  /** Chart data: shares per bin (numbers, times) or per top value (categories), source vs twin. */
  chart?: { labels: string[]; source: number[]; twin: number[] };
}

export interface ColumnPair {
  table: string;
  columns: [string, string];
  metric: 'correlation' | 'contingency';
  score: number | null;
  /** Pearson correlation (correlation) or Cramér's V (contingency), in the source and the twin. */
  source: number | null;
  twin: number | null;
  /** |Pearson| or Cramér's V in the source ≥ 0.3. */
  correlatedInSource: boolean;
  note?: string;
}

export interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  /** Where it comes from: the --spec file, a declared constraint of the source, or datagen's key finder. */
  origin: 'spec' | 'declared' | 'found';
}

export interface Cardinality extends ForeignKey {
  /** 1 − KS between the children-per-parent distributions (parents without children count as 0). */
  score: number | null;
  distance: number | null;
  sourceMean: number | null;
  twinMean: number | null;
  sourceZeroShare: number | null;
  twinZeroShare: number | null;
  note?: string;
}

export interface Integrity extends ForeignKey {
  /** Share of the twin's non-null child values found among the parent's keys (the score). */
  score: number | null;
  twinValues: number;
  twinFound: number;
  /** The same share in the source, for reference. */
  sourceShare: number | null;
  note?: string;
}

export interface TimePattern {
  table: string;
  column: string;
  /** Total variation distance between the shares per hour of day, ISO weekday and month; null for hours of a DATE. */
  hour: number | null;
  weekday: number | null;
  month: number | null;
  shares: { hour?: { source: number[]; twin: number[] }; weekday: { source: number[]; twin: number[] }; month: { source: number[]; twin: number[] } };
}

export interface PrivacyTable {
  table: string;
  /** The columns compared (the table's matched columns, keys left out). */
  columns: string[];
  twinRows: number;
  /** Twin rows equal to some source row on every compared column. */
  identicalRows: number;
  identicalShare: number | null;
  /** Distance to closest record (Gower: mean over columns of |Δ|/range for numbers and times, 0/1 for the rest). */
  dcr: { twinSample: number; sourceSample: number; median: number; p05: number; zeroShare: number; baselineMedian: number | null } | null;
}

export interface TableSummary {
  table: string;
  status: 'matched' | 'missing' | 'extra';
  sourceRows: number | null;
  twinRows: number | null;
  missingColumns: string[];
  extraColumns: string[];
  /** Rows the column-pair trends (and privacy's DCR) read, when a sample. */
  pairSample: { source: number; twin: number } | null;
}

export type Category = 'columnShapes' | 'columnPairTrends' | 'cardinality' | 'referentialIntegrity' | 'timePatterns';

export interface CompareReport {
  datagenCompare: string;
  source: string;
  twin: string;
  /** Mean of the categories that have a score (each 0 … 1). */
  overall: number | null;
  categories: Record<Category, number | null>;
  /** Column-pair trends over the pairs correlated in the source only (|Pearson| or Cramér's V ≥ 0.3): reported, not in overall. */
  correlatedPairTrends: { score: number | null; pairs: number };
  /** Set when a threshold was given: overall ≥ threshold. */
  threshold: number | null;
  ok: boolean;
  tables: TableSummary[];
  foreignKeys: ForeignKey[];
  columnShapes: ColumnShape[];
  columnPairs: ColumnPair[];
  cardinality: Cardinality[];
  integrity: Integrity[];
  timePatterns: TimePattern[];
  privacy: PrivacyTable[];
  seconds: number;
}
