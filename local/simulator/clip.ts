// Simulated video clips: a small JSON document standing in for an MP4, read by the local Rekognition's video API.
import type { Box } from '../../lambdas/shared/domain/people-count.ts';

/** The marker key of a simulated clip document. */
export const CLIP_MARKER = 'smartcity-sim-clip';

/** A simulated clip as stored in S3 (the bytes are this JSON, UTF-8). */
export interface SimulatedClip {
  readonly [CLIP_MARKER]: 1;
  readonly durationSeconds: number;
  /** One entry per second of the clip: the people in view, as a count or as their boxes. */
  readonly people: ReadonlyArray<number | ReadonlyArray<Box>>;
  /** Frame size reported in VideoMetadata. @default 1280 x 720 */
  readonly width?: number;
  readonly height?: number;
  readonly simulated: true;
}

/** Longest clip accepted (Rekognition Video's own limit is 6 hours). */
export const MAX_CLIP_SECONDS = 6 * 3600;

/**
 * The bytes of a simulated clip with `perSecond[s]` people in view during second `s` (a count, or the boxes
 * themselves); upload them like a video and run StartLabelDetection on them against the local Rekognition.
 */
export function makeSimulatedClip(
  perSecond: ReadonlyArray<number | ReadonlyArray<Box>>,
  o: { width?: number; height?: number } = {},
): Uint8Array {
  if (perSecond.length === 0 || perSecond.length > MAX_CLIP_SECONDS) throw new Error(`a clip of 1..${MAX_CLIP_SECONDS} seconds, got ${perSecond.length}`);
  const clip: SimulatedClip = { [CLIP_MARKER]: 1, durationSeconds: perSecond.length, people: perSecond, ...o, simulated: true };
  return new TextEncoder().encode(JSON.stringify(clip));
}

/** The clip a document describes, or a reason it is not one. */
export function parseSimulatedClip(bytes: Uint8Array): { clip: SimulatedClip } | { error: string } {
  if (bytes.length === 0 || bytes[0] !== 0x7b /* { */) return { error: 'not a simulated clip (the local Rekognition analyses only clips made by makeSimulatedClip)' };
  let doc: Partial<SimulatedClip> & Record<string, unknown>;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { error: 'not a simulated clip: the JSON does not parse' };
  }
  if (doc[CLIP_MARKER] !== 1) return { error: `not a simulated clip: no "${CLIP_MARKER}": 1` };
  const n = doc.durationSeconds;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_CLIP_SECONDS) return { error: 'simulated clip: durationSeconds must be an integer 1..21600' };
  if (!Array.isArray(doc.people) || doc.people.length > n) return { error: 'simulated clip: people must be an array with at most one entry per second' };
  for (const entry of doc.people as unknown[]) {
    const ok =
      (typeof entry === 'number' && Number.isInteger(entry) && entry >= 0 && entry <= 1000) ||
      (Array.isArray(entry) && entry.every((b) => Array.isArray(b) && b.length === 4 && b.every((x) => typeof x === 'number' && x >= 0 && x <= 1)));
    if (!ok) return { error: 'simulated clip: each second is a count 0..1000 or a list of [left, top, width, height] boxes' };
  }
  return { clip: doc as SimulatedClip };
}

/**
 * The boxes of second `s` of a clip: given boxes as they are, a count as that many people standing at fixed spots
 * (the same person keeps its spot from second to second, drifting slightly, as a tracker would see it).
 */
export function clipBoxes(clip: SimulatedClip, second: number): Box[] {
  const entry = clip.people[second];
  if (entry === undefined) return [];
  if (typeof entry !== 'number') return entry.map((b) => [b[0], b[1], b[2], b[3]]);
  const boxes: Box[] = [];
  for (let j = 0; j < entry; j++) {
    const fy = 0.5 + ((j * 0.381966) % 1) * 0.47;
    const h = 0.06 + 0.45 * (fy - 0.3);
    const w = h * 0.225;
    const fx = 0.06 + ((j * 0.618034 + second * 0.002) % 1) * 0.88;
    boxes.push([r4(Math.max(0, fx - w / 2)), r4(fy - h), r4(w), r4(h)]);
  }
  return boxes;
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000 + 0;
