// The observation envelope: the one versioned shape on the province stream (see ARCHITECTURE.md).
import { z } from 'zod';

/** Largest accepted envelope, in bytes of UTF-8 JSON; larger records are poison (DynamoDB items stay small). */
export const MAX_OBSERVATION_BYTES = 32 * 1024;

const sourceId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a source id (lower-case letters, digits, dashes)');

/** A UTC instant in ISO 8601 with an explicit offset; normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export const utcInstant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString());

/** Envelope v1 as it travels on the stream. */
export const observationSchema = z.strictObject({
  v: z.literal(1),
  id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  source: sourceId,
  kind: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'a kind such as people_count or pm25'),
  zone: sourceId,
  ts: utcInstant,
  value: z.number().finite(),
  unit: z.string().max(16).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** A validated observation (ts normalised to UTC milliseconds). */
export type Observation = z.infer<typeof observationSchema>;

/** Start of the 5-minute bucket an instant falls in, as an ISO string. */
export function rollupBucket(ts: string): string {
  const ms = Date.parse(ts);
  return new Date(ms - (ms % 300_000)).toISOString();
}
