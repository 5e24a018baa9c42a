// The benchmark province and its record streams: the reference province's sensors and cameras as Kinesis records.
import { createHash } from 'node:crypto';
import type { KinesisStreamRecord } from 'aws-lambda';
import { parseProvinceConfig } from '../lib/config/load.ts';
import type { ProvinceConfig } from '../lib/config/schema.ts';
import { registryOf, type ProvinceRegistry } from '../lambdas/shared/province.ts';

/** The reference province of the issue: 2,000 sensors at one reading a minute, 50 cameras every 10 s. */
export const REFERENCE = { sensors: 2_000, cameras: 50, zones: 10, sensorIntervalSeconds: 60, cameraIntervalSeconds: 10, kinesisBatchSize: 500 } as const;

/** 23:00 local time in Da Nang (16:00Z): inside the crowd rules' 22:00–05:00 window, at the start of a 5-minute bucket. */
export const NIGHT_START_MS = Date.parse('2026-11-25T16:00:00.000Z');

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const sensorId = (i: number) => `aq-bench-${pad(i, 4)}`;
export const cameraId = (i: number) => `cam-bench-${pad(i, 2)}`;
export const zoneId = (i: number) => `bench-zone-${pad(i, 2)}`;

/**
 * Da Nang's config with the reference province's devices: `sensors` PM2.5 sensors and `cameras` cameras spread over
 * 10 zones, a night crowd rule per zone (15 people, 3 observations), the PM2.5 threshold rule (> 150 for 30 min) and
 * a stale rule — validated by the real config schema, so the registry is what a bundle would carry.
 */
export function benchProvince(o: { sensors?: number; cameras?: number } = {}): { config: ProvinceConfig; registry: ProvinceRegistry } {
  const zones = Array.from({ length: REFERENCE.zones }, (_, i) => ({ id: zoneId(i), name: `Khu ${i + 1}`, nameEn: `Zone ${i + 1}` }));
  const raw = {
    code: 'da-nang',
    name: 'Thành phố Đà Nẵng',
    modules: ['crowd', 'sensors'],
    zones,
    sensors: Array.from({ length: o.sensors ?? REFERENCE.sensors }, (_, i) => ({ id: sensorId(i), kind: 'pm25', zone: zoneId(i % REFERENCE.zones) })),
    cameras: Array.from({ length: o.cameras ?? REFERENCE.cameras }, (_, i) => ({
      id: cameraId(i),
      zone: zoneId(i % REFERENCE.zones),
      name: `Camera ${i + 1}`,
      intervalSeconds: 10,
      activeHours: { from: '18:00', to: '06:00' },
    })),
    rules: [
      ...zones.map((z) => ({
        id: `crowd-${z.id}`,
        kind: 'crowd',
        title: { vi: `Tụ tập đông người ban đêm tại ${z.name}`, en: `Night-time crowd in ${z.nameEn}` },
        zone: z.id,
        minPeople: 15,
        window: { from: '22:00', to: '05:00' },
        sustain: { observations: 3 },
        severity: 'high',
      })),
      {
        id: 'pm25-unhealthy',
        kind: 'threshold',
        title: { vi: 'Bụi mịn PM2.5 vượt ngưỡng', en: 'PM2.5 above the unhealthy level' },
        sensorKind: 'pm25',
        op: '>',
        value: 150,
        sustain: { minutes: 30 },
      },
      { id: 'source-offline', kind: 'stale', title: { vi: 'Thiết bị mất tín hiệu', en: 'Device offline' }, afterMinutes: 30, severity: 'low' },
    ],
    pilot: { start: '2026-12-01', end: '2027-11-30' },
    budget: { monthlyUsd: 300 },
  };
  const config = parseProvinceConfig(raw, 'bench province');
  return { config, registry: registryOf(config) };
}

let sequence = 49_600_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** A Kinesis record as the event source mapping delivers it (base64 JSON, sequence numbers increasing). */
export function toRecord(payload: unknown, partitionKey: string): KinesisStreamRecord {
  sequence += 1n;
  const data = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8').toString('base64');
  return {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber: sequence.toString(), data, approximateArrivalTimestamp: NIGHT_START_MS / 1000 },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequence}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/process-stream',
    awsRegion: 'ap-southeast-1',
    eventSourceARN: 'arn:aws:kinesis:ap-southeast-1:123456789012:stream/bench',
  };
}

/** Splits records into the batches a Kinesis event source mapping of `size` would deliver, in order. */
export const batches = <T>(records: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(records.length / size) }, (_, i) => records.slice(i * size, (i + 1) * size));

/** One envelope about to be put on the stream, with its partition key (the source, as producers put them). */
export interface Put {
  readonly ts: number;
  readonly partitionKey: string;
  readonly payload: Record<string, unknown>;
}

/** Records in time order (stable for equal times), sequence numbers in delivery order. */
export const toRecords = (puts: readonly Put[]): KinesisStreamRecord[] =>
  [...puts].sort((a, b) => a.ts - b.ts).map((p) => toRecord(p.payload, p.partitionKey));

/**
 * Sensor readings: `sensors` PM2.5 sensors (ids 0..sensors-1), `readings` each, one a minute from `start`, spread
 * over the minute by sensor; values 30–60 µg/m³ (well below the 150 threshold: a normal night).
 */
export function sensorPuts(o: { sensors: number; readings: number; start?: number; intervalSeconds?: number }): Put[] {
  const start = o.start ?? NIGHT_START_MS;
  const period = (o.intervalSeconds ?? 60) * 1000;
  const out: Put[] = [];
  for (let k = 0; k < o.readings; k++) {
    for (let i = 0; i < o.sensors; i++) {
      const t = start + k * period + Math.floor((i * period) / o.sensors / 1000) * 1000;
      const source = sensorId(i);
      const payload = { v: 1, id: `${source}-${t / 1000}`, source, kind: 'pm25', zone: zoneId(i % REFERENCE.zones), ts: new Date(t).toISOString(), value: 30 + ((i * 7 + k * 3) % 300) / 10, unit: 'µg/m³' };
      out.push({ ts: t, partitionKey: source, payload });
    }
  }
  return out;
}

/**
 * People counts: `cameras` cameras every 10 s, as the analyzer puts them on the stream (boxes, confidence, frame
 * key). Passers-by: 0–2 people per camera (a zone's five cameras stay below 15). Zone 0's cameras see a crowd of 20
 * each for the middle third of the period, so the rules open one incident and send one alert, as a night with one
 * gathering would.
 */
export function cameraPuts(o: { cameras: number; frames: number; start?: number }): Put[] {
  const start = o.start ?? NIGHT_START_MS;
  const out: Put[] = [];
  for (let k = 0; k < o.frames; k++) {
    for (let c = 0; c < o.cameras; c++) {
      const t = start + k * 10_000 + Math.floor((c * 10_000) / o.cameras / 1000) * 1000;
      const source = cameraId(c);
      const zone = zoneId(c % REFERENCE.zones);
      const crowd = c % REFERENCE.zones === 0 && k >= o.frames / 3 && k < (2 * o.frames) / 3;
      // Passers-by: 0–2 per camera, so a zone's five cameras stay under its crowd rule's 15 outside the gathering.
      const count = crowd ? 20 : (c * 7 + k * 3 + Math.floor(c / REFERENCE.zones)) % 3;
      const boxes = Array.from({ length: count }, (_, j) => [0.05 + (j % 10) * 0.09, 0.45 + Math.floor(j / 10) * 0.2, 0.05, 0.25].map((x) => Math.round(x * 1e4) / 1e4));
      const key = `frames/${source}/${new Date(t).toISOString().replace(/[:.]/g, '-')}.jpg`;
      const id = `frame-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
      const payload = { v: 1, id, source, kind: 'people_count', zone, ts: new Date(t).toISOString(), value: count, data: { boxes, confidence: 93.4, frameKey: key, carried: false } };
      out.push({ ts: t, partitionKey: source, payload });
    }
  }
  return out;
}

/** Sensor readings as Kinesis records in time order (see {@link sensorPuts}). */
export const sensorRecords = (o: Parameters<typeof sensorPuts>[0]) => toRecords(sensorPuts(o));

/** People counts as Kinesis records in time order (see {@link cameraPuts}). */
export const cameraRecords = (o: Parameters<typeof cameraPuts>[0]) => toRecords(cameraPuts(o));

/**
 * The reference province's stream for `minutes`: 2,000 sensors at one reading a minute and 50 cameras every 10 s,
 * interleaved in time (2,300 records a minute, 13 % of them people counts).
 */
export const referenceRecords = (minutes: number): KinesisStreamRecord[] =>
  toRecords([
    ...sensorPuts({ sensors: REFERENCE.sensors, readings: Math.ceil(minutes) }),
    ...cameraPuts({ cameras: REFERENCE.cameras, frames: Math.ceil(minutes * 6) }),
  ]);
