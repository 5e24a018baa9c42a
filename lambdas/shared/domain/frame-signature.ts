// Change gating: a tiny greyscale thumbnail of each frame decides whether a frame is worth a DetectLabels call.
import { decode } from 'jpeg-js';

/** Side of the square greyscale thumbnail a signature holds (16 x 16 = 256 grey levels). */
export const SIGNATURE_SIZE = 16;

const PREFIX = `g${SIGNATURE_SIZE}:`;

/**
 * A frame signature: `"g16:"` followed by the base64 of 256 bytes, the mean luma (0.299R + 0.587G + 0.114B,
 * 0..255) of each cell of a 16 x 16 grid laid over the frame, row by row. 348 characters, small enough to keep in
 * the camera's state item next to the last count.
 */
export type FrameSignature = string;

/** Decoder limits: a 4K frame (8.3 MP) fits; a hostile or broken upload fails fast instead of exhausting memory. */
export const DECODE_LIMITS = { maxResolutionInMP: 40, maxMemoryUsageInMB: 256 } as const;

/** Suggested gate settings; tune per site from the `distance` the gate reports. */
export const GATE_DEFAULTS = {
  /**
   * Mean grey-level change (0..1 of full scale) below which a frame counts as unchanged: 0.01 is about 2.5 grey
   * levels on average. Sensor noise and JPEG re-encoding stay far below it (≈0.001); twenty people walking into a
   * 1080p street scene move it well above.
   */
  threshold: 0.01,
  /** How long a count may be carried forward before a frame is analysed anyway, unchanged or not. */
  maxAgeSeconds: 300,
} as const;

/**
 * The signature of a frame, or `null` when there is none to compare: PNG frames (jpeg-js decodes JPEG only; PNGs
 * are rare from cameras and simply bypass the gate, i.e. are always analysed), any other format, and JPEGs that
 * fail to decode or exceed {@link DECODE_LIMITS} (Rekognition will then judge the image and report its own error).
 *
 * jpeg-js is pure JavaScript: decoding dominates the cost (roughly 100–200 ms for a 1920 x 1080 frame on a
 * laptop-class core; see the frame-signature test log), still far cheaper than a DetectLabels call.
 */
export function frameSignature(jpegOrPngBytes: Uint8Array): FrameSignature | null {
  if (!isJpeg(jpegOrPngBytes)) return null; // PNG and anything else: no gating
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = decode(jpegOrPngBytes, { useTArray: true, formatAsRGBA: true, ...DECODE_LIMITS });
  } catch {
    return null;
  }
  if (image.width < 1 || image.height < 1) return null;
  return PREFIX + toBase64(greyThumbnail(image.data, image.width, image.height));
}

/**
 * How different two frames look: the mean absolute difference of their 256 cells, normalised to **0..1** of the
 * grey scale (0 = identical thumbnails, 1 = black against white everywhere). Signatures of different formats or
 * malformed ones compare as 1, so the gate errs towards analysing.
 */
export function signatureDistance(a: FrameSignature, b: FrameSignature): number {
  const x = fromSignature(a);
  const y = fromSignature(b);
  if (!x || !y || x.length !== y.length) return 1;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / (x.length * 255);
}

/** The last frame that was actually analysed by Rekognition for a camera. */
export interface LastAnalysis {
  /** Its signature; `null` when it had none (a PNG). */
  readonly signature: FrameSignature | null;
  /** When it was analysed (UTC ISO instant). */
  readonly analysedAt: string | Date;
  /** The people it counted. */
  readonly count: number;
}

export interface GateInput {
  readonly now: string | Date;
  /** Signature of the incoming frame, `null` when it has none. */
  readonly current: FrameSignature | null;
  /**
   * The last *analysed* frame, never a frame whose count was carried: comparing with the previous frame instead
   * would let a slow change (a crowd gathering one person per frame) slip under the threshold forever.
   */
  readonly last: LastAnalysis | undefined;
  /** Distance (0..1) below which the frame counts as unchanged, e.g. {@link GATE_DEFAULTS}.threshold. */
  readonly threshold: number;
  /** A count older than this is never carried. */
  readonly maxAgeSeconds: number;
}

/** Why a frame goes to Rekognition. */
export type AnalyseReason = 'no-signature' | 'no-previous' | 'changed' | 'too-old';

export type GateDecision =
  | { readonly analyse: true; readonly reason: AnalyseReason; readonly distance?: number }
  | { readonly analyse: false; readonly reason: 'unchanged'; readonly carriedCount: number; readonly distance: number };

/**
 * Whether to analyse a frame or carry the last count forward. The last count is reused only when both frames have
 * signatures, their distance is strictly below `threshold`, and the last analysis is recent:
 * |now − analysedAt| ≤ `maxAgeSeconds` (a frame delivered out of order, just before the last analysis, counts as
 * recent). Otherwise the frame is analysed, with the first failing condition as the reason.
 */
export function gateDecision(input: GateInput): GateDecision {
  const { current, last } = input;
  if (current === null) return { analyse: true, reason: 'no-signature' };
  if (!last || last.signature === null) return { analyse: true, reason: 'no-previous' };
  const distance = signatureDistance(current, last.signature);
  if (!(distance < input.threshold)) return { analyse: true, reason: 'changed', distance };
  const ageSeconds = Math.abs(toMillis(input.now) - toMillis(last.analysedAt)) / 1000;
  if (!(ageSeconds <= input.maxAgeSeconds)) return { analyse: true, reason: 'too-old', distance };
  return { analyse: false, reason: 'unchanged', carriedCount: last.count, distance };
}

const toMillis = (t: string | Date): number => (typeof t === 'string' ? Date.parse(t) : t.getTime());

function isJpeg(b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Box-average RGBA pixels into a SIZE x SIZE grid of mean luma: every pixel lands in exactly one cell. */
function greyThumbnail(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const n = SIGNATURE_SIZE;
  const sums = new Float64Array(n * n);
  const counts = new Float64Array(n * n);
  const cellOfX = new Uint8Array(width);
  for (let x = 0; x < width; x++) cellOfX[x] = Math.floor((x * n) / width);
  for (let y = 0; y < height; y++) {
    const rowCell = Math.floor((y * n) / height) * n;
    let p = y * width * 4;
    for (let x = 0; x < width; x++, p += 4) {
      const c = rowCell + cellOfX[x]!;
      sums[c]! += 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
      counts[c]! += 1;
    }
  }
  // A frame narrower or shorter than the grid leaves some cells empty: they copy the nearest filled cell above/left.
  const out = new Uint8Array(n * n);
  for (let c = 0; c < n * n; c++) {
    if (counts[c]! > 0) out[c] = Math.round(sums[c]! / counts[c]!);
    else out[c] = c % n > 0 ? out[c - 1]! : c >= n ? out[c - n]! : 0;
  }
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromSignature(sig: FrameSignature): Uint8Array | null {
  if (!sig.startsWith(PREFIX)) return null;
  try {
    const s = atob(sig.slice(PREFIX.length));
    if (s.length !== SIGNATURE_SIZE * SIGNATURE_SIZE) return null;
    return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
