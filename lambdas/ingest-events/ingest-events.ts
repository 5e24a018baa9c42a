// Device ingest core: validate a device's events, stamp its identity on them, put them on the stream, say what landed.
import { z } from 'zod';
import { MAX_OBSERVATION_BYTES, observationSchema, utcInstant, type Observation } from '#domain/observation.ts';
import { HttpError, badRequest, problemsOf, type Problem } from '#shared/http.ts';

/** Most events one request may carry (one PutRecords call). */
export const MAX_EVENTS = 500;
/** How far in the future an event's time may be (device clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** One event as a device sends it; source and zone come from its credential, never from the body. */
export const deviceEventSchema = z.strictObject({
  id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').describe('producer-unique id; makes retries idempotent'),
  ts: utcInstant.describe('when the reading was taken, ISO 8601 with offset (UTC recommended)'),
  value: z.number().finite(),
  kind: z.string().optional().describe('must equal the device kind when given'),
  unit: z.string().max(16).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** The body: one event, an array of events, or `{ "events": [...] }`. */
export const ingestBodySchema = z.union([
  z.strictObject({ events: z.array(z.unknown()).min(1).max(MAX_EVENTS) }),
  z.array(z.unknown()).min(1).max(MAX_EVENTS),
  z.record(z.string(), z.unknown()),
]);

/** The identity the device authorizer established. */
export interface Device {
  readonly deviceId: string;
  readonly kind: string;
  readonly zone: string;
  readonly unit: string;
}

/** A stream writer: puts observations, returns per-item failures (index into the input and why). */
export interface StreamWriter {
  put(observations: Observation[]): Promise<Array<{ index: number; reason: string }>>;
}

/** One event's outcome. */
export interface Rejection {
  readonly index: number;
  readonly id?: string;
  readonly reason: string;
  readonly problems?: Problem[];
}

/** What the API answers. */
export interface IngestResult {
  readonly status: 200 | 207 | 400 | 503;
  /** On 400 and 503 also `error` and `message`, like every error of the API. */
  readonly body: { accepted: number; rejected: Rejection[]; acceptedIds: string[]; error?: string; message?: string };
}

/** Validates and forwards a device's events. */
export async function ingestEvents(body: unknown, device: Device, deps: { stream: StreamWriter; now: () => Date }): Promise<IngestResult> {
  const events = (body as { events?: unknown })?.events;
  const count = Array.isArray(body) ? body.length : Array.isArray(events) ? events.length : 1;
  if (count > MAX_EVENTS) throw new HttpError(413, 'too_many_events', `At most ${MAX_EVENTS} events per request, got ${count}`);
  const shape = ingestBodySchema.safeParse(body);
  if (!shape.success) throw badRequest(problemsOf(shape.error.issues), 'request body');
  const raw: unknown[] = Array.isArray(shape.data) ? shape.data : 'events' in shape.data ? (shape.data.events as unknown[]) : [shape.data];

  const rejected: Rejection[] = [];
  const ready: Array<{ index: number; observation: Observation }> = [];
  const latest = deps.now().getTime() + MAX_FUTURE_SKEW_MS;
  raw.forEach((item, index) => {
    const id = idOf(item);
    const parsed = deviceEventSchema.safeParse(item);
    if (!parsed.success) {
      const problems = problemsOf(parsed.error.issues).map((p) => ({ ...p, path: p.path.replace(/^\$/, `$[${index}]`) }));
      rejected.push({ index, id, reason: `${problems[0]!.path}: ${problems[0]!.message}`, problems });
      return;
    }
    const e = parsed.data;
    if (e.kind !== undefined && e.kind !== device.kind) {
      rejected.push({ index, id, reason: `$[${index}].kind: expected "${device.kind}" (this device's kind), got "${e.kind}"` });
      return;
    }
    if (Date.parse(e.ts) > latest) {
      rejected.push({ index, id, reason: `$[${index}].ts: more than 5 minutes in the future (check the device clock)` });
      return;
    }
    const envelope = observationSchema.safeParse({
      v: 1,
      id: e.id,
      source: device.deviceId,
      kind: device.kind,
      zone: device.zone,
      ts: e.ts,
      value: e.value,
      unit: e.unit ?? (device.unit || undefined),
      data: e.data,
    });
    if (!envelope.success) {
      rejected.push({ index, id, reason: problemsOf(envelope.error.issues).map((p) => `${p.path}: ${p.message}`).join('; ') });
      return;
    }
    if (Buffer.byteLength(JSON.stringify(envelope.data)) > MAX_OBSERVATION_BYTES) {
      rejected.push({ index, id, reason: `$[${index}]: larger than ${MAX_OBSERVATION_BYTES} bytes` });
      return;
    }
    ready.push({ index, observation: envelope.data });
  });

  let streamFailures: Array<{ index: number; reason: string }> = [];
  if (ready.length > 0) {
    streamFailures = (await deps.stream.put(ready.map((r) => r.observation))).map((f) => ({
      index: ready[f.index]!.index,
      reason: f.reason,
    }));
  }
  for (const f of streamFailures) rejected.push({ index: f.index, id: idOf(raw[f.index]), reason: f.reason });
  const failedIdx = new Set(streamFailures.map((f) => f.index));
  const accepted = ready.filter((r) => !failedIdx.has(r.index));
  rejected.sort((a, b) => a.index - b.index);

  const status = rejected.length === 0 ? 200 : accepted.length > 0 ? 207 : streamFailures.length > 0 ? 503 : 400;
  const result = { accepted: accepted.length, acceptedIds: accepted.map((a) => a.observation.id), rejected };
  if (status === 400) return { status, body: { error: 'bad_request', message: `No event accepted: ${rejected[0]!.reason}`, ...result } };
  if (status === 503) return { status, body: { error: 'unavailable', message: 'The stream took no event; retry later', ...result } };
  return { status, body: result };
}

function idOf(item: unknown): string | undefined {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
