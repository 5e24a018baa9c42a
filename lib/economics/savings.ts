// Measured guard savings from the benchmark's results (`bench/results.json`, key `rekognition.savingsByGuard`).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GuardSavings } from './workload.ts';

const share = z.number().min(0).max(1);
const count = z.number().min(0);

/**
 * `rekognition.savingsByGuard` as shares — of the frames reaching each guard, the share it saved — or as the
 * analyser's own counters (`adaptiveSkip`, `carried`, `analysed`, as in `GET /kpis`), from which the shares follow.
 */
export const savingsByGuardSchema = z.union([
  z.looseObject({ adaptiveSampling: share, changeGating: share, activeHours: share.optional() }),
  z.looseObject({ adaptiveSkip: count, carried: count, analysed: count }),
]);

/** Guard savings found in a results file, and a description of where they came from. */
export interface MeasuredSavings {
  readonly savings: GuardSavings;
  readonly source: string;
}

/** Reads the guard savings out of a benchmark results object. @throws Error saying what is missing or wrong. */
export function savingsFromResults(results: unknown, file = 'bench/results.json'): MeasuredSavings {
  const raw = (results as { rekognition?: { savingsByGuard?: unknown } } | null)?.rekognition?.savingsByGuard;
  if (raw === undefined) throw new Error(`${file}: no rekognition.savingsByGuard (run npm run bench first, or leave out --savings to use the design assumptions)`);
  const parsed = savingsByGuardSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${file}: rekognition.savingsByGuard must be {adaptiveSampling, changeGating} shares between 0 and 1, or {adaptiveSkip, carried, analysed} counts; got ${JSON.stringify(raw)}`,
    );
  }
  const v = parsed.data;
  if ('adaptiveSampling' in v) return { savings: { adaptiveSampling: v.adaptiveSampling, changeGating: v.changeGating }, source: `measured (${file})` };
  const reached = v.adaptiveSkip + v.carried + v.analysed;
  const gated = v.carried + v.analysed;
  return {
    savings: { adaptiveSampling: reached > 0 ? v.adaptiveSkip / reached : 0, changeGating: gated > 0 ? v.carried / gated : 0 },
    source: `measured (${file}: ${v.adaptiveSkip} skipped, ${v.carried} carried, ${v.analysed} analysed)`,
  };
}

/** Reads `file` (JSON) and returns its guard savings. */
export function loadSavings(file: string): MeasuredSavings {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${file}: ${err.code ? `cannot read the file (${err.code})` : `not valid JSON (${err.message})`}`);
  }
  return savingsFromResults(json, file);
}
