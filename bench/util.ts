// Small helpers shared by the benchmarks: medians, timing, and how a benchmark hands its result to bench/run.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0..1) of a non-empty list, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of nothing');
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Rounds to `digits` decimals. */
export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Hands a benchmark's result to bench/run.ts: written as JSON to `BENCH_RESULT_FILE` when the runner set it,
 * printed otherwise (a benchmark run on its own: `npx tsx bench/<name>.ts`).
 */
export function writeResult(result: unknown): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify(result, null, 2));
  else console.log(JSON.stringify(result, null, 2));
}

/** A progress line on stderr (stdout stays free for results). */
export const note = (line: string): void => void process.stderr.write(`  ${line}\n`);
