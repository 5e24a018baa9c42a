// The benchmark's reference province (50 cameras at 10 s, 12 night hours, 2,000 sensors at 1/min) and its two costs.
import { parseProvinceConfig } from '../config/load.ts';
import type { ProvinceConfig, ProvinceConfigInput } from '../config/schema.ts';
import { estimateMonthlyCost, type CostEstimate } from './estimate.ts';
import type { PriceFile } from './prices.ts';
import type { EstimateOptions, GuardSavings } from './workload.ts';

/** Shape of the reference province. */
export const REFERENCE = {
  cameras: 50,
  intervalSeconds: 10,
  activeHours: { from: '18:00', to: '06:00' },
  sensors: 2000,
  sensorReadingsPerMinute: 1,
  zones: 10,
  monthlyBudgetUsd: 300,
} as const;

const SENSOR_KINDS = ['pm25', 'water_level', 'noise', 'rainfall'] as const;

/**
 * The reference province as a valid config: Hải Phòng (a unit no sample config uses), 10 zones with 5 cameras and
 * 200 sensors each, a night crowd rule per zone, a PM2.5 and a water-level threshold, one stale rule for every
 * source, one email and one SMS contact, a $300 budget (the daily Rekognition cap derived from it).
 */
export function referenceProvince(): ProvinceConfig {
  const zones = Array.from({ length: REFERENCE.zones }, (_, i) => ({ id: `ref-z${String(i + 1).padStart(2, '0')}`, name: `Khu vực ${i + 1}`, nameEn: `Zone ${i + 1}` }));
  const perZone = REFERENCE.cameras / REFERENCE.zones;
  const cameras = Array.from({ length: REFERENCE.cameras }, (_, i) => ({
    id: `ref-cam-${String(i + 1).padStart(3, '0')}`,
    zone: zones[Math.floor(i / perZone)]!.id,
    name: `Camera ${i + 1}`,
    intervalSeconds: REFERENCE.intervalSeconds,
    activeHours: { ...REFERENCE.activeHours },
  }));
  const sensorsPerZone = REFERENCE.sensors / REFERENCE.zones;
  const sensors = Array.from({ length: REFERENCE.sensors }, (_, i) => ({
    id: `ref-s-${String(i + 1).padStart(4, '0')}`,
    kind: SENSOR_KINDS[i % SENSOR_KINDS.length]!,
    zone: zones[Math.floor(i / sensorsPerZone)]!.id,
  }));
  const input: ProvinceConfigInput = {
    code: 'hai-phong',
    name: 'Thành phố Hải Phòng',
    modules: ['crowd', 'sensors'],
    zones,
    sensors,
    cameras,
    rules: [
      ...zones.map((z) => ({
        id: `crowd-${z.id}`,
        kind: 'crowd' as const,
        title: { vi: `Tụ tập đông người ban đêm tại ${z.name}`, en: `Night-time crowd in ${z.nameEn}` },
        zone: z.id,
        minPeople: 15,
        window: { from: '22:00', to: '05:00' },
      })),
      { id: 'pm25-unhealthy', kind: 'threshold', title: { vi: 'Bụi mịn PM2.5 vượt ngưỡng', en: 'PM2.5 above the unhealthy level' }, sensorKind: 'pm25', op: '>', value: 150 },
      { id: 'flood', kind: 'threshold', title: { vi: 'Mực nước cao', en: 'High water level' }, sensorKind: 'water_level', op: '>=', value: 3.5 },
      { id: 'source-offline', kind: 'stale', title: { vi: 'Thiết bị mất tín hiệu', en: 'Device offline' }, afterMinutes: 30 },
    ],
    alerts: {
      contacts: [
        { name: 'Trung tâm điều hành', email: 'ioc@haiphong.example.vn' },
        { name: 'Trực ban', sms: '+84900000000' },
      ],
    },
    pilot: { start: '2026-12-01', end: '2027-11-30' },
    budget: { monthlyUsd: REFERENCE.monthlyBudgetUsd },
  };
  return parseProvinceConfig(input, 'lib/economics/reference.ts');
}

/** The reference costs the benchmark quotes (`cost.provinceMonthUsd` vs `cost.continuousProvinceMonthUsd`). */
export interface ReferenceCost {
  /** Every guard on at `savings`; the daily cap not applied, so the figure shows what the guards save. */
  readonly provinceMonthUsd: number;
  /** No guard saving anything (change gating and adaptive sampling off, no cap): every frame of the night analysed. */
  readonly continuousProvinceMonthUsd: number;
  /** Guards on and the budget-derived daily cap applied, as deployed. */
  readonly cappedProvinceMonthUsd: number;
  readonly imagesPerMonth: number;
  readonly continuousImagesPerMonth: number;
  /** Frames the deployed cap would refuse per month at these savings (stored, not counted). */
  readonly framesCappedPerMonth: number;
  readonly savings: GuardSavings;
  readonly savingsSource: string;
  readonly guarded: CostEstimate;
  readonly continuous: CostEstimate;
}

/** Estimates the reference province with guards (at `options.savings`) and without. */
export function referenceCost(prices: PriceFile, options: Partial<EstimateOptions> = {}): ReferenceCost {
  const config = referenceProvince();
  const opts = { ...options, sensorReadingsPerMinute: REFERENCE.sensorReadingsPerMinute };
  const guarded = estimateMonthlyCost(config, prices, { ...opts, applyDailyCap: false });
  const capped = estimateMonthlyCost(config, prices, { ...opts, applyDailyCap: true });
  const continuousConfig: ProvinceConfig = {
    ...config,
    cameras: config.cameras.map((c) => ({ ...c, guards: { ...c.guards, changeGating: false, adaptiveSampling: false } })),
  };
  const continuous = estimateMonthlyCost(continuousConfig, prices, { ...opts, applyDailyCap: false });
  return {
    provinceMonthUsd: round2(guarded.totalUsd),
    continuousProvinceMonthUsd: round2(continuous.totalUsd),
    cappedProvinceMonthUsd: round2(capped.totalUsd),
    imagesPerMonth: guarded.volumes.imagesAnalysed,
    continuousImagesPerMonth: continuous.volumes.imagesAnalysed,
    framesCappedPerMonth: capped.volumes.framesCapped,
    savings: guarded.options.savings,
    savingsSource: guarded.options.savingsSource,
    guarded,
    continuous,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
