// KPI answers of GET /kpis for the report tests.
import type { Kpis } from '../../lib/economics/kpis.ts';

/** Đà Nẵng over December 2026 (local days): 1 Dec 00:00 +07:00 to 1 Jan 00:00 +07:00. */
export const PERIOD = { from: '2026-11-30T17:00:00.000Z', to: '2026-12-31T17:00:00.000Z' };

export const daNang: Kpis = {
  province: { code: 'da-nang', name: 'Thành phố Đà Nẵng' },
  from: PERIOD.from,
  to: PERIOD.to,
  incidents: {
    total: 12,
    byRule: { 'crowd-bach-dang-night': 7, 'pm25-unhealthy': 3, 'source-offline': 2 },
    byZone: { 'dn-bach-dang': 8, 'dn-cau-rong': 4 },
    byWeek: { '2026-W49': 3, '2026-W50': 5, '2026-W52': 4 },
    byStatus: { opened: 12, acknowledged: 11, resolved: 9, dismissed: 3 },
  },
  timeToAcknowledge: { count: 11, p50Seconds: 270, p90Seconds: 610 },
  timeToResolve: { count: 9, p50Seconds: 1830, p90Seconds: 7560 },
  falseAlarmRate: 0.25,
  cameras: [
    { id: 'cam-dn-001', framesReceived: 133_000, framesExpected: 133_920, uptime: 0.9931 },
    { id: 'cam-dn-002', framesReceived: 110_000, framesExpected: 133_920, uptime: 0.8214 },
  ],
  sensors: [
    { id: 'aq-dn-001', readings: 44_000, expected: 44_640, completeness: 0.9857 },
    { id: 'aq-dn-002', readings: 40_000, expected: 44_640, completeness: 0.8961 },
    { id: 'aq-dn-003', readings: 44_640, expected: 44_640, completeness: 1 },
  ],
  rekognition: { calls: 21_500, saved: { carried: 120_000, inactiveHours: 0, adaptiveSkip: 100_000, tooSoon: 1500 }, capped: 0 },
  spend: { estimatedUsd: 21.5, budgetUsd: 310, share: 0.0694 },
};

/** A second province whose name needs escaping, with no cameras and no incidents. */
export const hue: Kpis = {
  province: { code: 'hue', name: 'Thành phố <Huế> & "Cố đô"' },
  from: PERIOD.from,
  to: PERIOD.to,
  incidents: { total: 0, byRule: {}, byZone: {}, byWeek: {}, byStatus: {} },
  timeToAcknowledge: { count: 0, p50Seconds: null, p90Seconds: null },
  timeToResolve: { count: 0, p50Seconds: null, p90Seconds: null },
  falseAlarmRate: 0,
  cameras: [],
  sensors: [{ id: 'wl-hue-001', readings: 43_000, expected: 44_640, completeness: 0.9633 }],
  rekognition: { calls: 0, saved: { carried: 0, inactiveHours: 0, adaptiveSkip: 0, tooSoon: 0 }, capped: 0 },
  spend: { estimatedUsd: 0, budgetUsd: 155, share: 0 },
};
