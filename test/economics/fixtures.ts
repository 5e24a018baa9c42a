// Small province configs and price books for the economics tests.
import { parseProvinceConfig } from '../../lib/config/load.ts';
import type { ProvinceConfig, ProvinceConfigInput } from '../../lib/config/schema.ts';
import { loadPriceFile, type PriceFile } from '../../lib/economics/prices.ts';

/** The repository's pricing file. */
export const prices: PriceFile = loadPriceFile();

type CameraInput = NonNullable<ProvinceConfigInput['cameras']>[number];

/** One camera, 10 s, 18:00–06:00 (12 h), every guard off unless given. */
export const camera = (id: string, extra: Partial<CameraInput> = {}): CameraInput => ({
  id,
  zone: 'z1',
  name: `Camera ${id}`,
  intervalSeconds: 10,
  activeHours: { from: '18:00', to: '06:00' },
  guards: { activeHours: true, changeGating: false, adaptiveSampling: false },
  ...extra,
});

/** A crowd-only province (Huế) with the given cameras, a crowd rule on zone z1 and a large budget. */
export function crowdProvince(cameras: CameraInput[], extra: Partial<ProvinceConfigInput> = {}): ProvinceConfig {
  return parseProvinceConfig(
    {
      code: 'hue',
      name: 'Thành phố Huế',
      modules: ['crowd'],
      zones: [{ id: 'z1', name: 'Khu vực 1' }],
      cameras,
      rules: [{ id: 'crowd-z1', kind: 'crowd', title: { vi: 'Tụ tập', en: 'Crowd' }, zone: 'z1', minPeople: 15 }],
      pilot: { start: '2026-12-01', end: '2027-11-30' },
      budget: { monthlyUsd: 100_000 },
      ...extra,
    },
    'test fixture',
  );
}

/** A sensors-only province (Cần Thơ) with `n` PM2.5 sensors and no rules. */
export function sensorProvince(n: number, extra: Partial<ProvinceConfigInput> = {}): ProvinceConfig {
  return parseProvinceConfig(
    {
      code: 'can-tho',
      name: 'Thành phố Cần Thơ',
      modules: ['sensors'],
      zones: [{ id: 'z1', name: 'Khu vực 1' }],
      sensors: Array.from({ length: n }, (_, i) => ({ id: `aq-${i + 1}`, kind: 'pm25' as const, zone: 'z1' })),
      pilot: { start: '2026-12-01', end: '2027-11-30' },
      budget: { monthlyUsd: 1000 },
      ...extra,
    },
    'test fixture',
  );
}
