// Five-minute rollups (count, min, max, mean) of one source: computed from the bucket's observations, so recomputing is idempotent.

/** Aggregate of one source's observations in one 5-minute bucket. */
export interface Rollup {
  readonly source: string;
  readonly kind: string;
  readonly zone: string;
  /** Bucket start, ISO UTC. */
  readonly bucket: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly sum: number;
}

/** The rollup of `values` (non-empty) for one source and bucket. */
export function rollupOf(
  key: { source: string; kind: string; zone: string; bucket: string },
  values: readonly number[],
): Rollup {
  if (values.length === 0) throw new Error(`no values for rollup ${key.source} ${key.bucket}`);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = Math.round((sum / values.length) * 1e6) / 1e6;
  return { ...key, count: values.length, min, max, mean, sum: Math.round(sum * 1e6) / 1e6 };
}
