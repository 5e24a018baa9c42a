// The simulated night, as pure functions of (config, sim time, seed): who stands in each camera's view, what each sensor reads.
import { pointInPolygon, type Polygon } from '../../lambdas/shared/domain/geometry.ts';
import type { Box } from '../../lambdas/shared/domain/people-count.ts';
import { localParts } from '../../lambdas/shared/domain/time.ts';
import type { Camera, ProvinceConfig, Rule, SensorKind } from '../../lib/config/schema.ts';
import { between, seeded, smoothNoise, smoothstep } from './random.ts';

/** Knobs of the scenario; the same options and seed always give the same night. */
export interface ScenarioOptions {
  /** @default 1 */
  readonly seed?: number;
  /** One pollution or flood episode per night on the sensors; `false`: baselines only (a crowd-only demo). @default true */
  readonly episodes?: boolean;
  /** A smaller afternoon gathering (15:00 local) in crowd-rule zones, outside the rules' night window. @default true */
  readonly daytimeCrowd?: boolean;
  /** Width / height of the frames the boxes are meant for (people keep their proportions). @default 16 / 9 */
  readonly frameAspect?: number;
}

const MINUTE = 60_000;
const FULL_FRAME: Polygon = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];

// ---------------------------------------------------------------------------------------------------------------
// Time in the province

/** A local calendar date `YYYY-MM-DD` of an instant in `timeZone`. */
export function localDate(at: Date | number, timeZone: string): string {
  const p = localParts(new Date(at), timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The instant (epoch ms) of local `date` at `minutes` past local midnight in `timeZone` (minutes may exceed 1440). */
export function localInstant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const offset = offsetMs(guess, timeZone);
  const first = guess - offset;
  const second = offsetMs(first, timeZone); // across a DST change the offset at the answer is the one to use
  return second === offset ? first : guess - second;
}

function offsetMs(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const hhmm = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const localHour = (at: number, timeZone: string): number => {
  const p = localParts(new Date(at), timeZone);
  return Number(p.hour) + Number(p.minute) / 60;
};

/** The local date of the evening a night belongs to: instants before local noon belong to the previous evening. */
export function nightOf(at: Date | number, timeZone: string): string {
  const t = typeof at === 'number' ? at : at.getTime();
  return localHour(t, timeZone) < 12 ? addDays(localDate(t, timeZone), -1) : localDate(t, timeZone);
}

// ---------------------------------------------------------------------------------------------------------------
// People in camera views

/** Who a camera sees at one instant. */
export interface CameraView {
  readonly cameraId: string;
  /** Every person in the frame, drawn far to near; boxes `[left, top, width, height]`, normalized, 4 decimals. */
  readonly people: Box[];
  /** People whose box centre lies inside the camera's ROI (what the analyzer counts). */
  readonly inRoi: number;
  /** Where a crowd of this camera stands: none, gathering, at or above the rule's minPeople, dispersing. */
  readonly crowd: 'none' | 'forming' | 'above' | 'dispersing';
}

/** One gathering in front of a camera: when it forms, how big it gets, when it is above the crowd rule. */
export interface CrowdPlan {
  readonly cameraId: string;
  readonly kind: 'night' | 'day';
  /** The largest `minPeople` of the enabled crowd rules of the camera's zone. */
  readonly minPeople: number;
  readonly peak: number;
  /** Epoch ms: first person arrives, `minPeople` reached, below `minPeople` again, last person gone. */
  readonly start: number;
  readonly aboveFrom: number;
  readonly aboveUntil: number;
  readonly end: number;
  /** Each member's arrival, departure and box (inside the ROI). */
  readonly members: ReadonlyArray<{ readonly join: number; readonly leave: number; readonly box: Box }>;
}

/**
 * Who camera `cameraId` sees at `at`: passers-by (0-4 in the evening and at night, up to 8 by day, a quarter of them
 * outside the ROI where the ROI leaves room) and, in a zone with a crowd rule, the gathering of {@link crowdPlans}.
 */
export function cameraView(config: ProvinceConfig, cameraId: string, at: Date | number, options: ScenarioOptions = {}): CameraView {
  const camera = findCamera(config, cameraId);
  const t = typeof at === 'number' ? at : at.getTime();
  const roi = camera.roi as Polygon;
  const people: Box[] = [...passersBy(config, camera, t, options)];
  let crowd: CameraView['crowd'] = 'none';
  for (const plan of crowdPlans(config, cameraId, t, options)) {
    if (t < plan.start || t >= plan.end) continue;
    for (const m of plan.members) if (m.join <= t && t < m.leave) people.push(m.box);
    if (plan.kind === 'night' || crowd === 'none') {
      crowd = t < plan.aboveFrom ? 'forming' : t < plan.aboveUntil ? 'above' : 'dispersing';
    }
  }
  people.sort((a, b) => a[1] + a[3] - (b[1] + b[3]));
  const inRoi = people.filter((b) => pointInPolygon([b[0] + b[2] / 2, b[1] + b[3] / 2], roi)).length;
  return { cameraId, people, inRoi, crowd };
}

/**
 * The gatherings planned around `at` for a camera whose zone has an enabled crowd rule (none otherwise): each night
 * a crowd starts forming 3-12 minutes after the rule's window opens (22:00 when it has none), reaches the rule's
 * `minPeople` within minutes, grows to 20-45 % above it, stays at or above it for 20-32 minutes and disperses
 * over 8-15 minutes; with `daytimeCrowd`, a similar but shorter gathering at 15:00 local.
 */
export function crowdPlans(config: ProvinceConfig, cameraId: string, at: Date | number, options: ScenarioOptions = {}): CrowdPlan[] {
  const camera = findCamera(config, cameraId);
  const rules = config.rules.filter((r): r is Extract<Rule, { kind: 'crowd' }> => r.kind === 'crowd' && r.enabled && r.zone === camera.zone);
  if (rules.length === 0) return [];
  const rule = rules.reduce((a, b) => (b.minPeople > a.minPeople ? b : a));
  const t = typeof at === 'number' ? at : at.getTime();
  const today = localDate(t, config.timezone);
  const plans: CrowdPlan[] = [];
  for (const date of [addDays(today, -1), today]) {
    plans.push(planCrowd(config, camera, rule.minPeople, date, 'night', hhmm(rule.window?.from ?? '22:00'), options));
    if (options.daytimeCrowd ?? true) plans.push(planCrowd(config, camera, rule.minPeople, date, 'day', 15 * 60, options));
  }
  return plans.filter((p) => p.end > t - 86_400_000 && p.start < t + 86_400_000).sort((a, b) => a.start - b.start);
}

function planCrowd(
  config: ProvinceConfig,
  camera: Camera,
  minPeople: number,
  date: string,
  kind: 'night' | 'day',
  fromMinutes: number,
  options: ScenarioOptions,
): CrowdPlan {
  const rand = seeded(options.seed ?? 1, 'crowd', kind, camera.id, date);
  const start = localInstant(date, fromMinutes + between(rand, 3, 12), config.timezone);
  const m = minPeople;
  const peak = kind === 'night' ? m + Math.max(3, Math.ceil(m * between(rand, 0.2, 0.45))) : m + 2;
  const ramp = between(rand, 6, 12) * MINUTE;
  const above = (kind === 'night' ? between(rand, 20, 32) : between(rand, 8, 14)) * MINUTE;
  const disperse = between(rand, 8, 15) * MINUTE;
  // Member i arrives at start + ramp·(i+1)/peak, so the count reaches m when member m-1 arrives; leaving, the
  // (peak-m+1)-th departure takes it below m: `leaveStart` is chosen so that this happens `above` later.
  const aboveFrom = start + (ramp * m) / peak;
  const aboveUntil = aboveFrom + above;
  const leaveStart = aboveUntil - (disperse * (peak - m + 1)) / peak;
  const leaveOrder = shuffle(
    Array.from({ length: peak }, (_, i) => i),
    rand,
  );
  const leaveAt = new Array<number>(peak);
  leaveOrder.forEach((member, k) => (leaveAt[member] = leaveStart + (disperse * (k + 1)) / peak));
  const boxes = crowdBoxes(camera, peak, rand, options.frameAspect ?? 16 / 9);
  const members = boxes.map((box, i) => {
    // A little jitter in arrivals, never enough to change their order.
    const join = start + (ramp * (i + 1)) / peak - (rand() * 0.4 * ramp) / peak;
    return { join, leave: leaveAt[i]!, box };
  });
  return { cameraId: camera.id, kind, minPeople: m, peak, start, aboveFrom, aboveUntil, end: leaveStart + disperse, members };
}

/** Height of a person whose feet stand at `footY` (perspective: the ground starts near y = 0.3). */
const personHeight = (footY: number): number => 0.06 + 0.45 * (footY - 0.3);
/** Lowest feet may stand: people smaller than this are too far to be counted reliably. */
const GROUND_TOP = 0.42;

function personBox(footX: number, footY: number, aspect: number): Box {
  const h = personHeight(footY);
  const w = (h * 0.4) / aspect;
  return clip([footX - w / 2, footY - h, w, h]);
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000 + 0;
function clip(b: [number, number, number, number]): Box {
  const left = Math.max(0, b[0]);
  const top = Math.max(0, b[1]);
  return [r4(left), r4(top), r4(Math.min(1, b[0] + b[2]) - left), r4(Math.min(1, b[1] + b[3]) - top)];
}
const centre = (b: Box): [number, number] => [b[0] + b[2] / 2, b[1] + b[3] / 2];

/** Members of a crowd, first arrivals in the middle: a golden-angle spiral around a point of the ROI's lower half. */
function crowdBoxes(camera: Camera, count: number, rand: () => number, aspect: number): Box[] {
  const roi = camera.roi as Polygon;
  const xs = roi.map((p) => p[0]);
  const ys = roi.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.max(GROUND_TOP, Math.min(...ys)), Math.min(0.99, Math.max(...ys))];
  // The crowd's centre (feet): in the ROI, towards its lower middle so people are near enough to be counted.
  let cx = (minX + maxX) / 2 + between(rand, -0.1, 0.1) * (maxX - minX);
  let cy = minY + (maxY - minY) * between(rand, 0.45, 0.65);
  if (!pointInPolygon(centre(personBox(cx, cy, aspect)), roi)) {
    const p = randomFootIn(roi, true, rand, aspect);
    if (p) [cx, cy] = p;
  }
  const spread = Math.sqrt(count / 20);
  const rx = Math.min(0.42, 0.24 * spread) * (maxX - minX);
  const ry = Math.min(0.45, 0.28 * spread) * (maxY - minY);
  const boxes: Box[] = [];
  for (let i = 0; i < count; i++) {
    const a = i * 2.399963 + between(rand, -0.2, 0.2);
    const r = Math.sqrt((i + 0.5) / count);
    let fx = cx + rx * r * Math.cos(a);
    let fy = Math.min(0.995, Math.max(GROUND_TOP, cy + ry * r * Math.sin(a) + between(rand, -0.01, 0.01)));
    let box = personBox(fx, fy, aspect);
    // Keep every member inside the ROI: pull towards the centre until the box centre is in.
    for (let k = 0; k < 8 && !pointInPolygon(centre(box), roi); k++) {
      fx = cx + (fx - cx) * 0.7;
      fy = cy + (fy - cy) * 0.7;
      box = personBox(fx, fy, aspect);
    }
    boxes.push(box);
  }
  return boxes;
}

function randomFootIn(roi: Polygon, inside: boolean, rand: () => number, aspect: number): [number, number] | undefined {
  for (let k = 0; k < 24; k++) {
    const fx = between(rand, 0.03, 0.97);
    const fy = between(rand, GROUND_TOP, 0.99);
    if (pointInPolygon(centre(personBox(fx, fy, aspect)), roi) === inside) return [fx, fy];
  }
  return undefined;
}

/** Passers-by: each minute someone may arrive and stay 2-10 minutes; evening and night rates are low. */
function passersBy(config: ProvinceConfig, camera: Camera, t: number, options: ScenarioOptions): Box[] {
  const seed = options.seed ?? 1;
  const aspect = options.frameAspect ?? 16 / 9;
  const roi = camera.roi as Polygon;
  const roiIsFrame = FULL_FRAME.every((p) => pointInPolygon(p, roi));
  const hour = localHour(t, config.timezone);
  const day = hour >= 6 && hour < 18;
  const cap = day ? 8 : 4;
  const present: Array<{ arrive: number; box: Box }> = [];
  const now = Math.floor(t / MINUTE);
  for (let k = now - 10; k <= now; k++) {
    const rand = seeded(seed, 'passer', camera.id, k);
    const arrive = k * MINUTE + rand() * MINUTE;
    const h = localHour(arrive, config.timezone);
    const rate = h >= 6 && h < 18 ? 0.7 : h >= 18 ? 0.35 : 0.1;
    if (rand() >= rate) continue;
    const leave = arrive + between(rand, 2, 10) * MINUTE;
    if (!(arrive <= t && t < leave)) continue;
    const outside = !roiIsFrame && rand() < 0.25;
    const foot = randomFootIn(roi, !outside, rand, aspect) ?? randomFootIn(roi, true, rand, aspect);
    if (foot) present.push({ arrive, box: personBox(foot[0], foot[1], aspect) });
  }
  return present
    .sort((a, b) => a.arrive - b.arrive)
    .slice(0, cap)
    .map((p) => p.box);
}

function findCamera(config: ProvinceConfig, id: string): Camera {
  const camera = config.cameras.find((c) => c.id === id);
  if (!camera) throw new Error(`no camera ${id} in the ${config.code} config`);
  return camera;
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------------------
// Sensors

/** One reading of a sensor. */
export interface SensorReading {
  readonly sensorId: string;
  readonly kind: SensorKind;
  readonly value: number;
  /** Whether an episode (pollution, flood, heavy rain) shapes this reading. */
  readonly episode: boolean;
}

/** The night's episode: which sensors, how high, when. */
export interface EpisodePlan {
  /** The local date of the evening. */
  readonly night: string;
  readonly kind: SensorKind;
  /** The threshold rule it is meant to trip, if the config has one. */
  readonly ruleId?: string;
  readonly threshold: number;
  readonly sensors: ReadonlyArray<string>;
  readonly peak: number;
  /** Epoch ms: the rise begins, the plateau (above the threshold) begins and ends, back to the baseline. */
  readonly start: number;
  readonly plateauFrom: number;
  readonly plateauUntil: number;
  readonly end: number;
  /** Rain gauges that see heavy rain before a flood episode. */
  readonly rainSensors: ReadonlyArray<string>;
}

/** Kinds an episode can happen to, with a default threshold when no rule names one. */
const EPISODE_KINDS: Partial<Record<SensorKind, number>> = { pm25: 150, pm10: 250, water_level: 3 };

/**
 * The episode of the night `at` belongs to (evening to next noon), or undefined with `episodes: false` or no
 * suitable sensor. It trips one enabled `>` / `>=` threshold rule on pm25, pm10 or water_level (a default
 * threshold without one): the sensors of that rule in one zone rise over 15-25 minutes, somewhere between 23:30
 * and 01:30 local, stay 15-35 % (water: 0.25-0.6 m) above the threshold for 45-75 minutes, then fall back over
 * 20-30 minutes. Before a flood, the province's rain gauges see heavy rain.
 */
export function episodePlan(config: ProvinceConfig, at: Date | number, options: ScenarioOptions = {}): EpisodePlan | undefined {
  if (options.episodes === false) return undefined;
  const night = nightOf(at, config.timezone);
  const rand = seeded(options.seed ?? 1, 'episode', config.code, night);
  type Candidate = { kind: SensorKind; ruleId?: string; threshold: number; sensors: ProvinceConfig['sensors'] };
  const candidates: Candidate[] = [];
  for (const rule of config.rules) {
    if (rule.kind !== 'threshold' || !rule.enabled || (rule.op !== '>' && rule.op !== '>=')) continue;
    const sensors = config.sensors.filter(
      (s) => (rule.source ? s.id === rule.source : s.kind === rule.sensorKind) && (!rule.zone || s.zone === rule.zone) && s.kind in EPISODE_KINDS,
    );
    if (sensors.length > 0) candidates.push({ kind: sensors[0]!.kind, ruleId: rule.id, threshold: rule.value, sensors });
  }
  if (candidates.length === 0) {
    for (const [kind, threshold] of Object.entries(EPISODE_KINDS) as Array<[SensorKind, number]>) {
      const sensors = config.sensors.filter((s) => s.kind === kind);
      if (sensors.length > 0) candidates.push({ kind, threshold, sensors });
    }
  }
  if (candidates.length === 0) return undefined;
  const pick = candidates[Math.floor(rand() * candidates.length)]!;
  const zones = [...new Set(pick.sensors.map((s) => s.zone))];
  const zone = zones[Math.floor(rand() * zones.length)]!;
  const start = localInstant(night, 23 * 60 + 30 + between(rand, 0, 120), config.timezone);
  const plateauFrom = start + between(rand, 15, 25) * MINUTE;
  const plateauUntil = plateauFrom + between(rand, 45, 75) * MINUTE;
  const end = plateauUntil + between(rand, 20, 30) * MINUTE;
  const peak = pick.kind === 'water_level' ? pick.threshold + between(rand, 0.25, 0.6) : pick.threshold * between(rand, 1.15, 1.35);
  return {
    night,
    kind: pick.kind,
    ...(pick.ruleId ? { ruleId: pick.ruleId } : {}),
    threshold: pick.threshold,
    sensors: pick.sensors.filter((s) => s.zone === zone).map((s) => s.id),
    peak,
    start,
    plateauFrom,
    plateauUntil,
    end,
    rainSensors: pick.kind === 'water_level' ? config.sensors.filter((s) => s.kind === 'rainfall').map((s) => s.id) : [],
  };
}

/**
 * What sensor `sensorId` reads at `at`: a baseline with a daily cycle, slow drift and small jitter (pm25 30-60
 * µg/m³, water level 1.2-1.9 m with the tide and always at least 0.2 m under a water-level threshold rule, rain
 * mostly 0 with light showers in mm/h, ...), shaped by the night's episode when there is one.
 */
export function sensorReading(config: ProvinceConfig, sensorId: string, at: Date | number, options: ScenarioOptions = {}): SensorReading {
  const sensor = config.sensors.find((s) => s.id === sensorId);
  if (!sensor) throw new Error(`no sensor ${sensorId} in the ${config.code} config`);
  const t = typeof at === 'number' ? at : at.getTime();
  const seed = options.seed ?? 1;
  const hour = localHour(t, config.timezone);
  const daily = (peakHour: number) => Math.cos(((hour - peakHour) / 24) * 2 * Math.PI); // 1 at peakHour, -1 twelve hours away
  const drift = smoothNoise(t, 20 * MINUTE, seed, 'drift', sensor.id);
  const jitter = seeded(seed, 'jitter', sensor.id, Math.floor(t / MINUTE))() * 2 - 1;
  let value: number;
  switch (sensor.kind) {
    case 'pm25':
      value = 45 + 7 * daily(20) + 6 * drift + 1.5 * jitter;
      break;
    case 'pm10':
      value = 75 + 12 * daily(20) + 10 * drift + 3 * jitter;
      break;
    case 'water_level': {
      const tide = Math.sin((2 * Math.PI * t) / (12.42 * 3_600_000) + seeded(seed, 'tide', sensor.id)() * 6.283);
      value = 1.55 + 0.28 * tide + 0.05 * drift + 0.01 * jitter;
      const ceiling = lowestThreshold(config, sensor.id, 'water_level');
      if (ceiling !== undefined) value = Math.min(value, ceiling - 0.2);
      break;
    }
    case 'rainfall':
      value = Math.max(0, 6 * smoothNoise(t, 30 * MINUTE, seed, 'showers', sensor.id) - 3.5) + Math.max(0, 0.2 * jitter);
      break;
    case 'temperature':
      value = 26 + 3.5 * daily(14) + 0.8 * drift + 0.2 * jitter;
      break;
    case 'humidity':
      value = 80 - 10 * daily(14) + 4 * drift + jitter;
      break;
    case 'noise':
      value = 55 + 8 * daily(20) + 3 * drift + jitter;
      break;
  }
  let episode = false;
  const plan = episodePlan(config, t, options);
  if (plan && t >= plan.start && t < plan.end) {
    if (plan.sensors.includes(sensor.id)) {
      const level = t < plan.plateauFrom ? smoothstep((t - plan.start) / (plan.plateauFrom - plan.start)) : t < plan.plateauUntil ? 1 : 1 - smoothstep((t - plan.plateauUntil) / (plan.end - plan.plateauUntil));
      const wobble = plan.kind === 'water_level' ? 0.02 * drift : 0.03 * plan.peak * drift;
      value = value + (plan.peak + wobble - value) * level;
      episode = true;
    }
  }
  if (plan && plan.rainSensors.includes(sensor.id)) {
    // Heavy rain from 90 minutes before the rise until the plateau.
    const from = plan.start - 90 * MINUTE;
    if (t >= from && t < plan.plateauUntil) {
      const level = Math.min(smoothstep((t - from) / (30 * MINUTE)), 1 - smoothstep((t - plan.plateauFrom) / (plan.plateauUntil - plan.plateauFrom)));
      value += (25 + 20 * (drift + 1)) * level;
      episode = true;
    }
  }
  return { sensorId: sensor.id, kind: sensor.kind, value: roundFor(sensor.kind, Math.max(0, value)), episode };
}

function lowestThreshold(config: ProvinceConfig, sensorId: string, kind: SensorKind): number | undefined {
  const sensor = config.sensors.find((s) => s.id === sensorId)!;
  const values = config.rules.flatMap((r) =>
    r.kind === 'threshold' && r.enabled && (r.op === '>' || r.op === '>=') && (r.source ? r.source === sensorId : r.sensorKind === kind) && (!r.zone || r.zone === sensor.zone)
      ? [r.value]
      : [],
  );
  return values.length ? Math.min(...values) : undefined;
}

const DECIMALS: Record<SensorKind, number> = { pm25: 1, pm10: 1, water_level: 2, rainfall: 1, temperature: 1, humidity: 0, noise: 1 };
const roundFor = (kind: SensorKind, v: number): number => {
  const f = 10 ** DECIMALS[kind];
  return Math.round(v * f) / f;
};
