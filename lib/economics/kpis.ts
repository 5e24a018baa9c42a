// The shape of `GET /kpis` as the report reads it, validated with zod (extra fields are kept, not refused).
import { z } from 'zod';

const count = z.number().min(0);
const share = z.number().min(0).max(1);
const counts = z.record(z.string(), count);
const percentiles = z.looseObject({
  count: count,
  p50Seconds: z.number().min(0).nullable(),
  p90Seconds: z.number().min(0).nullable(),
});

/** One province's KPIs for a period (`GET /kpis?from=…&to=…`). */
export const kpisSchema = z.looseObject({
  province: z.looseObject({ code: z.string().min(1), name: z.string().min(1) }),
  from: z.string().min(1),
  to: z.string().min(1),
  incidents: z.looseObject({
    total: count,
    byRule: counts,
    byZone: counts,
    /** ISO week ("2026-W48") → incidents opened. */
    byWeek: counts,
    byStatus: counts,
  }),
  timeToAcknowledge: percentiles,
  timeToResolve: percentiles,
  /** Dismissed ÷ closed. */
  falseAlarmRate: share,
  cameras: z.array(z.looseObject({ id: z.string(), framesReceived: count, framesExpected: count, uptime: share })),
  sensors: z.array(z.looseObject({ id: z.string(), readings: count, expected: count, completeness: share })),
  rekognition: z.looseObject({
    calls: count,
    saved: z.looseObject({ carried: count, inactiveHours: count, adaptiveSkip: count, tooSoon: count }),
    capped: count,
  }),
  spend: z.looseObject({ estimatedUsd: z.number().min(0), budgetUsd: z.number().min(0), share: z.number().min(0) }),
});
export type Kpis = z.infer<typeof kpisSchema>;

/** Display names a province's config gives to rule and zone ids (the KPIs carry ids only). */
export interface ProvinceLabels {
  readonly rules?: Readonly<Record<string, { readonly vi: string; readonly en: string }>>;
  readonly zones?: Readonly<Record<string, { readonly vi: string; readonly en?: string }>>;
}

/** ISO 8601 week of a UTC date `YYYY-MM-DD`, e.g. "2026-W48" (the week's Thursday decides the year). */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO weeks a period [from, to) touches, by UTC day, in order. */
export function weeksOf(from: string, to: string): string[] {
  const start = Date.parse(from.slice(0, 10) + 'T00:00:00Z');
  const end = Date.parse(to);
  const weeks: string[] = [];
  for (let t = start; t < end; t += 86_400_000) {
    const w = isoWeekOf(new Date(t).toISOString().slice(0, 10));
    if (weeks.at(-1) !== w) weeks.push(w);
  }
  return weeks;
}
