// Measured guard savings from the benchmark's results (`bench/results.json`, key `rekognition.savingsByGuard`).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GuardSavings } from './workload.ts';

const share = z.number().min(0).max(1);
const count = z.number().min(0);

/**
 * `rekognition.savingsByGuard` as bench/rekognition.ts writes it: the calls each guard avoided as a share of
 * analysing every frame of the night (with the calls made they add up to 1).
 */
export const savingsSharesSchema = z.looseObject({ activeHours: share.default(0), adaptiveSampling: share, changeGating: share });
/** Or the analyser's own counters (`adaptiveSkip`, `carried`, `analysed`, as in `GET /kpis`). */
export const savingsCountsSchema = z.looseObject({ adaptiveSkip: count, carried: count, analysed: count });

/** The results file has no guard savings (yet): the caller may fall back to the design assumptions. */
export class NoSavingsError extends Error {
  override readonly name = 'NoSavingsError';
}

/** Guard savings found in a results file, and a description of where they came from. */
export interface MeasuredSavings {
  readonly savings: GuardSavings;
  readonly source: string;
}

/**
 * The estimator's factors (each guard's share of the frames that reach it) from the benchmark's shares of all
 * frames: adaptive = b / (1 − a), gating = c / (1 − a − b) for active hours a, adaptive sampling b, change gating c.
 * @throws Error saying what is missing or wrong.
 */
export function savingsFromResults(results: unknown, file = 'bench/results.json'): MeasuredSavings {
  // The whole results file, or the Rekognition benchmark's own output.
  const r = results as { rekognition?: { savingsByGuard?: unknown }; savingsByGuard?: unknown } | null;
  const raw = r?.rekognition?.savingsByGuard ?? r?.savingsByGuard;
  if (raw === undefined) throw new NoSavingsError(`${file} has no rekognition.savingsByGuard yet (run npm run bench)`);
  const shares = savingsSharesSchema.safeParse(raw);
  if (shares.success) {
    const { activeHours: a, adaptiveSampling: b, changeGating: c } = shares.data;
    if (a + b + c > 1 + 1e-6) throw new Error(`${file}: rekognition.savingsByGuard shares add up to more than 1 (${JSON.stringify(raw)})`);
    const afterActive = 1 - a;
    const afterAdaptive = 1 - a - b;
    return {
      savings: { adaptiveSampling: afterActive > 0 ? Math.min(1, b / afterActive) : 0, changeGating: afterAdaptive > 1e-9 ? Math.min(1, c / afterAdaptive) : 0 },
      source: `measured (${file})`,
    };
  }
  const counts = savingsCountsSchema.safeParse(raw);
  if (!counts.success) {
    throw new Error(
      `${file}: rekognition.savingsByGuard must be {activeHours?, adaptiveSampling, changeGating} shares between 0 and 1, or {adaptiveSkip, carried, analysed} counts; got ${JSON.stringify(raw)}`,
    );
  }
  const v = counts.data;
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
