/**
 * How much parallel CPU this machine gives right now: the same pure-JS loop on 1 thread, then on 2 threads at
 * once. speedup = 2 × (1-thread time) ÷ (2-thread wall time): ~2 on two idle cores, ~1 when other processes
 * leave the equivalent of one core. The workers case records it next to its ratio (which cannot exceed it).
 */
import { Worker } from 'node:worker_threads';

const LOOP = `
'use strict';
const { parentPort } = require('node:worker_threads');
function work() {
  const a = new Float64Array(1 << 16);
  let x = 0;
  for (let r = 0; r < 1500; r++) for (let i = 0; i < a.length; i++) { a[i] = Math.imul(i, r) ^ (a[i] * 1.0001); x += a[i]; }
  return x;
}
const t = performance.now();
const x = work();
parentPort.postMessage(performance.now() - t + (x === 0.5 ? 1 : 0));
`;

async function round(threads: number): Promise<number> {
  const t = performance.now();
  const workers = Array.from({ length: threads }, () => new Worker(LOOP, { eval: true }));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const wall = performance.now() - t;
  await Promise.all(workers.map((w) => w.terminate()));
  return wall;
}

export interface Parallelism {
  oneThreadMs: number;
  twoThreadsMs: number;
  speedup: number;
}

export async function measureParallelism(): Promise<Parallelism> {
  const one = Math.min(await round(1), await round(1));
  const two = Math.min(await round(2), await round(2));
  return { oneThreadMs: Math.round(one), twoThreadsMs: Math.round(two), speedup: Math.round((200 * one) / two) / 100 };
}
