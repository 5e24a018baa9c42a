// Reads a clip's duration from its MP4/MOV header (the `mvhd` box) with a few ranged reads, without the video bytes.

/** Reads bytes `start`..`end` (inclusive) of the object; fewer at its end. */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array>;

/** Top-level boxes walked at most (ftyp, free, wide, mdat, moov, ... : real files have a handful). */
const MAX_TOP_LEVEL_BOXES = 32;
/** Bytes read from the start of `moov` to find `mvhd`, normally its first child. */
const MOOV_HEAD_BYTES = 4096;

/**
 * The duration in seconds an ISO-BMFF file (MP4, MOV) declares in `moov/mvhd`, or undefined when the object is not
 * such a file or its header cannot be read. Works whether `moov` is at the start ("fast start") or at the end: the
 * top-level boxes are walked by their sizes, one small ranged read each.
 */
export async function mp4DurationSeconds(size: number, read: RangeReader): Promise<number | undefined> {
  let offset = 0;
  for (let i = 0; i < MAX_TOP_LEVEL_BOXES && offset + 8 <= size; i++) {
    const header = await read(offset, Math.min(size, offset + 16) - 1);
    const box = boxHeader(header, 0);
    if (!box) return undefined;
    if (i === 0 && box.type !== 'ftyp') return undefined; // not an ISO-BMFF file
    const boxSize = box.size === 0 ? size - offset : box.size;
    if (box.type === 'moov') {
      const moov = await read(offset, Math.min(offset + boxSize, offset + MOOV_HEAD_BYTES, size) - 1);
      return mvhdDuration(moov, box.headerSize);
    }
    if (boxSize < box.headerSize) return undefined;
    offset += boxSize;
  }
  return undefined;
}

function boxHeader(b: Uint8Array, at: number): { size: number; type: string; headerSize: number } | undefined {
  if (b.length < at + 8) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size32 = view.getUint32(at);
  const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
  if (!/^[\x20-\x7e]{4}$/.test(type)) return undefined;
  if (size32 === 1) {
    if (b.length < at + 16) return undefined;
    const size = Number(view.getBigUint64(at + 8));
    return Number.isSafeInteger(size) && size >= 16 ? { size, type, headerSize: 16 } : undefined;
  }
  if (size32 !== 0 && size32 < 8) return undefined;
  return { size: size32, type, headerSize: 8 };
}

/** Duration from the `mvhd` child of a `moov` box whose bytes (from its own header) are `moov`. */
function mvhdDuration(moov: Uint8Array, moovHeaderSize: number): number | undefined {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  let at = moovHeaderSize;
  while (at + 8 <= moov.length) {
    const child = boxHeader(moov, at);
    if (!child || child.size === 0) return undefined;
    if (child.type === 'mvhd') {
      const body = at + child.headerSize;
      const version = moov[body];
      if (version === 0 && body + 20 <= moov.length) return seconds(view.getUint32(body + 16), view.getUint32(body + 12));
      if (version === 1 && body + 32 <= moov.length) return seconds(Number(view.getBigUint64(body + 24)), view.getUint32(body + 20));
      return undefined;
    }
    at += child.size;
  }
  return undefined;
}

function seconds(duration: number, timescale: number): number | undefined {
  if (!(timescale > 0) || !Number.isFinite(duration) || duration <= 0 || duration === 0xffffffff) return undefined;
  return duration / timescale;
}
