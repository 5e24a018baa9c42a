// Pilot KPIs from daily counters: pure arithmetic (percentiles, ISO weeks, pro-rata expectations), no I/O.

/** Nearest-rank percentile (0..100) of `values`; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** ISO 8601 week of a UTC date `YYYY-MM-DD`, e.g. "2026-W48". */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - dow) * 86_400_000);
  // The week's Thursday decides the year; its day of the year decides the week.
  const year = thursday.getUTCFullYear();
  const week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Minutes per day inside a local window (crossing midnight allowed); 1440 without a window. */
export function windowMinutesPerDay(window?: { from: string; to: string }): number {
  if (!window) return 1440;
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const d = (m(window.to) - m(window.from) + 1440) % 1440;
  return d === 0 ? 1440 : d;
}

/**
 * Frames a camera should send in a period: the period's length pro rata of its daily active minutes, divided by its
 * interval (a per-day approximation: exact for whole days, within one window for partial ones).
 */
export function expectedFrames(periodMs: number, camera: { intervalSeconds: number; activeHours?: { from: string; to: string } }): number {
  return Math.floor(((periodMs / 1000) * (windowMinutesPerDay(camera.activeHours) / 1440)) / camera.intervalSeconds);
}

/** Sums numeric attributes of several records by key. */
export function sumBy(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** A ratio in 0..1 rounded to 4 decimals; 0 when the denominator is 0. */
export const ratio = (n: number, d: number): number => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : 0);
