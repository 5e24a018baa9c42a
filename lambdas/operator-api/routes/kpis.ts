// GET /kpis: the pilot's figures for an evaluation period, from daily counters and rollups (a few reads, no scans).
import type { KpiStore } from '#adapters/kpi-store.ts';
import type { ObservationStore } from '#adapters/observation-store.ts';
import type { UsageCounter } from '#adapters/usage-counter.ts';
import { expectedFrames, isoWeek, percentile, ratio, sumBy } from '#domain/kpis.ts';
import type { ProvinceRegistry } from '#shared/province.ts';
import type { RouteImpl } from '../router.ts';

/** Published DetectLabels price per image (first tier): the spend estimate of the period. */
const USD_PER_IMAGE = 0.001;
/** Readings a sensor is expected to send per minute (the sensors' default interval). */
const SENSOR_READINGS_PER_MINUTE = 1;

/** Ports of the KPI route. */
export interface KpiRouteDeps {
  readonly kpis: Pick<KpiStore, 'days'>;
  readonly usage?: Pick<UsageCounter, 'range'>;
  readonly observations: Pick<ObservationStore, 'rollups'>;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
}

/** The KPI route. */
export function kpiRoutes(deps: KpiRouteDeps): Record<string, RouteImpl> {
  return {
    'GET /kpis': async ({ query }) => {
      const to: string = query.to ?? deps.now().toISOString();
      const from: string = query.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
      const periodMs = Math.max(0, Date.parse(to) - Date.parse(from));
      const [days, usage] = await Promise.all([deps.kpis.days(from.slice(0, 10), to.slice(0, 10)), deps.usage?.range(from.slice(0, 10), to.slice(0, 10)) ?? []]);

      const byWeek: Record<string, number> = {};
      for (const d of days) if (d.opened) byWeek[isoWeek(d.day)] = (byWeek[isoWeek(d.day)] ?? 0) + d.opened;
      const ack = days.flatMap((d) => d.ackSeconds);
      const res = days.flatMap((d) => d.resolveSeconds);
      const total = days.reduce((s, d) => s + d.opened, 0);
      const resolved = days.reduce((s, d) => s + d.resolved, 0);
      const dismissed = days.reduce((s, d) => s + d.dismissed, 0);
      const acknowledged = days.reduce((s, d) => s + d.acknowledged, 0);

      const u = sumBy(usage.map((item) => Object.fromEntries(Object.entries(item).filter(([, v]) => typeof v === 'number')) as Record<string, number>));
      const cameras = deps.registry.cameras.map((c) => {
        const framesExpected = expectedFrames(periodMs, c);
        const framesReceived = u[`frames#${c.id}`] ?? 0;
        return { id: c.id, framesReceived, framesExpected, uptime: Math.min(1, ratio(framesReceived, framesExpected)) };
      });
      const sensors = await Promise.all(
        deps.registry.sensors.map(async (s) => {
          const readings = (await deps.observations.rollups(s.id, from, to)).reduce((n, r) => n + r.count, 0);
          const expected = Math.floor((periodMs / 60_000) * SENSOR_READINGS_PER_MINUTE);
          return { id: s.id, readings, expected, completeness: Math.min(1, ratio(readings, expected)) };
        }),
      );
      const calls = u.calls ?? 0;
      const budgetUsd = Math.round(deps.registry.budget.monthlyUsd * (periodMs / (30 * 86_400_000)) * 100) / 100;
      const estimatedUsd = Math.round(calls * USD_PER_IMAGE * 100) / 100;
      const p = (xs: number[]) => ({ count: xs.length, p50Seconds: percentile(xs, 50), p90Seconds: percentile(xs, 90) });
      return {
        province: { code: deps.registry.code, name: deps.registry.name },
        from,
        to,
        incidents: {
          total,
          byRule: sumBy(days.map((d) => d.byRule)),
          byZone: sumBy(days.map((d) => d.byZone)),
          byWeek,
          byStatus: { opened: total, acknowledged, resolved, dismissed },
        },
        timeToAcknowledge: p(ack),
        timeToResolve: p(res),
        falseAlarmRate: ratio(dismissed, resolved + dismissed),
        cameras,
        sensors,
        rekognition: {
          calls,
          saved: { carried: u.carried ?? 0, inactiveHours: u.inactiveHours ?? 0, adaptiveSkip: u.adaptiveSkip ?? 0, tooSoon: u.tooSoon ?? 0 },
          capped: u.capped ?? 0,
        },
        spend: { estimatedUsd, budgetUsd, share: ratio(estimatedUsd, budgetUsd), note: 'Rekognition images and clip minutes (over 95% of the bill)' },
      };
    },
  };
}
