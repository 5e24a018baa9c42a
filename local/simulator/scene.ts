// Simulated camera frames: a street at night with people as figures, the ground truth carried in a JPEG comment.
import type { Box } from '../../lambdas/shared/domain/people-count.ts';
import { encodeJpeg } from './jpeg-encoder.ts';
import { between, hashParts, mulberry32, seeded } from './random.ts';

export type { Box };

/** Start of the JPEG comment (COM segment) that carries a simulated frame's ground truth. */
export const GROUND_TRUTH_PREFIX = 'smartcity-sim:';

/** The ground truth as it is written in the comment after {@link GROUND_TRUTH_PREFIX}. */
export interface GroundTruth {
  readonly v: 1;
  /** People boxes `[left, top, width, height]`, normalized 0..1, 4 decimals. */
  readonly people: Box[];
  readonly simulated: true;
}

/** Frame size and JPEG quality the simulator uses unless told otherwise. */
export const FRAME_DEFAULTS = { width: 640, height: 360, quality: 75 } as const;

/** What to draw. */
export interface FrameRequest {
  /** @default 640 */
  readonly width?: number;
  /** @default 360 */
  readonly height?: number;
  /** People to draw, as normalized boxes; a box reaching outside the frame is clipped to it. */
  readonly people: ReadonlyArray<Box | readonly [number, number, number, number]>;
  /** The camera's seed: the same seed gives the same street, lamps and buildings. */
  readonly seed: number;
  /** Frame number: drives the lighting and sensor noise, so consecutive frames differ a little. */
  readonly frameNo: number;
  /** JPEG quality 1..100. @default 75 */
  readonly quality?: number;
}

/** A rendered frame: the JPEG bytes and the boxes written into its ground truth. */
export interface RenderedFrame {
  readonly jpeg: Uint8Array;
  /** The people drawn, clipped to the frame and rounded to 4 decimals: exactly the ground truth in the JPEG. */
  readonly people: Box[];
}

/**
 * Renders one frame: a dark sky over a lit street or square, buildings with lit windows, street lamps with soft
 * light pools, luminance noise and a slight lamp flicker that change with `frameNo` (well under the analyzer's
 * change-gating threshold), and each person as a head-and-body figure that contrasts with the ground it stands on.
 * The ground truth goes into a COM segment: {@link GROUND_TRUTH_PREFIX} + `{"v":1,"people":[...],"simulated":true}`.
 * The static background is computed once per (size, seed) and cached; a 640 x 360 frame then costs the pixel pass and
 * one encode (see `encodeJpeg`), about 15 ms on a laptop-class core.
 */
export function renderFrame(request: FrameRequest): RenderedFrame {
  const width = request.width ?? FRAME_DEFAULTS.width;
  const height = request.height ?? FRAME_DEFAULTS.height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 16 && height >= 16 && width * height <= 8_294_400)) {
    throw new Error(`frame size ${width}x${height}: integers, at least 16x16, at most 4K`);
  }
  const people = request.people.map(clipBox).filter((b): b is Box => b !== undefined);
  const comment = GROUND_TRUTH_PREFIX + JSON.stringify({ v: 1, people, simulated: true } satisfies GroundTruth);
  if (comment.length > 65_000) throw new Error(`too many people for one frame's ground truth (${people.length})`);

  const bg = background(width, height, request.seed);
  const rgba = new Uint8ClampedArray(width * height * 4);
  const rand = seeded(request.seed, 'frame', request.frameNo);
  // A lamp flicker of ±0.4 % and a global gain of ±0.25 grey levels: visible in the bytes, invisible to the gate.
  const flicker = 1 + (rand() - 0.5) * 0.008;
  const gain = (rand() - 0.5) * 0.5;
  let x32 = hashParts(request.seed, request.frameNo) | 1;
  for (let i = 0, p = 0; i < width * height; i++, p += 4) {
    x32 ^= x32 << 13;
    x32 ^= x32 >>> 17;
    x32 ^= x32 << 5;
    const n = ((x32 & 7) - 3.5) * 0.9 + gain; // sensor noise, mostly in luminance as in a dark scene
    const l = bg.light[i]! * flicker;
    const b = i * 3;
    rgba[p] = bg.base[b]! + l * LAMP_RGB[0] + n;
    rgba[p + 1] = bg.base[b + 1]! + l * LAMP_RGB[1] + n;
    rgba[p + 2] = bg.base[b + 2]! + l * LAMP_RGB[2] + n;
    rgba[p + 3] = 255;
  }
  // Nearer people (lower feet) are drawn last, over the farther ones.
  const order = people.map((box, i) => ({ box, i })).sort((a, b) => a.box[1] + a.box[3] - (b.box[1] + b.box[3]));
  for (const { box } of order) drawPerson(rgba, width, height, box, bg);

  return { jpeg: encodeJpeg({ width, height, data: rgba, comments: [comment] }, request.quality ?? FRAME_DEFAULTS.quality), people };
}

/**
 * The ground truth of a simulated frame, read from its COM segment without decoding the image: the markers before
 * the scan are walked and the first comment starting with {@link GROUND_TRUTH_PREFIX} is parsed. `undefined` for
 * anything else: not a JPEG, no such comment, a malformed one.
 */
export function readGroundTruth(bytes: Uint8Array): Box[] | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // start of scan / end of image: no comment before it
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (length < 2 || pos + 2 + length > bytes.length) return undefined;
    if (marker === 0xfe) {
      const text = latin1(bytes.subarray(pos + 4, pos + 2 + length));
      if (text.startsWith(GROUND_TRUTH_PREFIX)) return parseGroundTruth(text.slice(GROUND_TRUTH_PREFIX.length));
    }
    pos += 2 + length;
  }
  return undefined;
}

function parseGroundTruth(json: string): Box[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const gt = value as Partial<GroundTruth> | null;
  if (!gt || gt.v !== 1 || !Array.isArray(gt.people)) return undefined;
  const boxes: Box[] = [];
  for (const b of gt.people as unknown[]) {
    if (!Array.isArray(b) || b.length !== 4 || !b.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1)) {
      return undefined;
    }
    boxes.push([b[0], b[1], b[2], b[3]]);
  }
  return boxes;
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
};

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000 + 0;

/** A box clipped to the frame and rounded; undefined when nothing of it is left. */
function clipBox(box: readonly number[]): Box | undefined {
  const [l, t, w, h] = box as [number, number, number, number];
  if (![l, t, w, h].every(Number.isFinite)) return undefined;
  const left = Math.max(0, l);
  const top = Math.max(0, t);
  const right = Math.min(1, l + w);
  const bottom = Math.min(1, t + h);
  if (right - left < 0.001 || bottom - top < 0.001) return undefined;
  return [r4(left), r4(top), r4(right - left), r4(bottom - top)];
}

// ---------------------------------------------------------------------------------------------------------------
// The static background: computed once per (size, seed)

/** Sodium-lamp colour of the light layer (per unit of light). */
const LAMP_RGB = [1.0, 0.78, 0.5] as const;

interface Background {
  /** RGB without lamp light, 3 floats per pixel. */
  readonly base: Float32Array;
  /** Lamp light in grey levels, 1 float per pixel (multiplied by LAMP_RGB). */
  readonly light: Float32Array;
  /** Luminance of the lit background, for choosing figure colours that stand out. */
  readonly luma: Float32Array;
}

const cache = new Map<string, Background>();
const CACHE_SIZE = 16;

function background(width: number, height: number, seed: number): Background {
  const key = `${width}x${height}:${seed}`;
  let bg = cache.get(key);
  if (!bg) {
    bg = paintBackground(width, height, seed);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, bg);
  }
  return bg;
}

interface Lamp {
  /** Foot of the pole and the lamp head, normalized. */
  readonly baseX: number;
  readonly baseY: number;
  readonly headX: number;
  readonly headY: number;
  /** Light pool radii on the ground and strength. */
  readonly rx: number;
  readonly ry: number;
  readonly strength: number;
}

function paintBackground(width: number, height: number, seed: number): Background {
  const rand = seeded(seed, 'street');
  const horizon = between(rand, 0.28, 0.33);
  const vanishX = between(rand, 0.35, 0.65);
  const roadWidth = between(rand, 0.25, 0.4);
  const roadHalf = (d: number) => 0.012 + roadWidth * d;

  // Buildings along the horizon, each with a grid of windows, a third of them lit.
  const buildings: Array<{ x0: number; x1: number; top: number; tone: number; windows: Uint8Array; cols: number; rows: number; warm: number }> = [];
  for (let x = -0.02; x < 1.02; ) {
    const w = between(rand, 0.05, 0.13);
    const top = horizon - between(rand, 0.05, 0.2);
    const cols = Math.max(2, Math.round(w / 0.018));
    const rows = Math.max(2, Math.round((horizon - top) / 0.03));
    const windows = new Uint8Array(cols * rows);
    for (let i = 0; i < windows.length; i++) windows[i] = rand() < 0.33 ? 1 + Math.floor(rand() * 3) : 0;
    buildings.push({ x0: x, x1: x + w, top, tone: between(rand, 10, 20), windows, cols, rows, warm: rand() });
    x += w + between(rand, 0, 0.02);
  }

  // Street lamps on both sides of the road, nearer ones taller and brighter.
  const lamps: Lamp[] = [];
  const depths = [0.12, 0.3, 0.55, 0.9];
  depths.forEach((d0, i) => {
    for (const side of [-1, 1]) {
      if (rand() < 0.25) continue;
      const d = d0 + between(rand, -0.04, 0.04);
      const baseY = horizon + d * (1 - horizon);
      const baseX = vanishX + side * (roadHalf(d) + 0.02 + 0.05 * d) + (i % 2) * 0.01;
      const pole = 0.06 + 0.5 * d;
      const arm = -side * (0.01 + 0.05 * d);
      lamps.push({
        baseX,
        baseY,
        headX: baseX + arm,
        headY: baseY - pole,
        rx: 0.06 + 0.22 * d,
        ry: 0.015 + 0.07 * d,
        strength: between(rand, 70, 95),
      });
    }
  });

  const n = width * height;
  const base = new Float32Array(n * 3);
  const light = new Float32Array(n);
  const luma = new Float32Array(n);
  for (let py = 0; py < height; py++) {
    const y = (py + 0.5) / height;
    for (let px = 0; px < width; px++) {
      const x = (px + 0.5) / width;
      const i = py * width + px;
      let r: number, g: number, b: number;
      if (y < horizon) {
        // Sky: deep blue at the top, a faint orange city glow towards the horizon.
        const s = y / horizon;
        r = 6 + 22 * s * s;
        g = 8 + 14 * s * s;
        b = 22 + 18 * s;
        for (const bd of buildings) {
          if (x >= bd.x0 && x < bd.x1 && y >= bd.top) {
            r = g = bd.tone;
            b = bd.tone + 6;
            const cx = Math.floor(((x - bd.x0) / (bd.x1 - bd.x0)) * bd.cols);
            const cy = Math.floor(((y - bd.top) / (horizon - bd.top)) * bd.rows);
            const fx = (((x - bd.x0) / (bd.x1 - bd.x0)) * bd.cols) % 1;
            const fy = (((y - bd.top) / (horizon - bd.top)) * bd.rows) % 1;
            const lit = bd.windows[cy * bd.cols + cx]!;
            if (lit && fx > 0.25 && fx < 0.75 && fy > 0.3 && fy < 0.75) {
              const warm = bd.warm > 0.3;
              const v = 90 + 40 * lit;
              r = warm ? v : v * 0.75;
              g = warm ? v * 0.8 : v * 0.85;
              b = warm ? v * 0.45 : v;
            }
            break;
          }
        }
      } else {
        // Ground: paving that gets lighter towards the camera, a darker road with kerbs and a dashed centre line.
        const d = (y - horizon) / (1 - horizon);
        const half = roadHalf(d);
        const dx = Math.abs(x - vanishX);
        if (dx < half) {
          r = 16 + 10 * d;
          g = 16 + 10 * d;
          b = 20 + 10 * d;
          const dash = Math.sin(7 / (d + 0.04)) > 0.2;
          if (dx < 0.0015 + 0.005 * d && dash) {
            r += 55;
            g += 50;
            b += 30;
          }
        } else if (dx < half + 0.002 + 0.006 * d) {
          r = g = 48 + 30 * d;
          b = 50 + 30 * d;
        } else {
          r = 24 + 16 * d;
          g = 23 + 15 * d;
          b = 26 + 14 * d;
          // Square tiles: faint joints that converge on the vanishing point.
          const u = (x - vanishX) / (d + 0.05);
          const v = 3 / (d + 0.08);
          if (Math.abs((u * 14) % 1) < 0.04 || Math.abs(v % 1) < 0.05) {
            r -= 5;
            g -= 5;
            b -= 5;
          }
        }
      }
      let l = 0;
      for (const lamp of lamps) {
        // Light pool on the ground under the lamp head.
        if (y > horizon) {
          const ex = (x - lamp.headX) / lamp.rx;
          const ey = (y - lamp.baseY + lamp.ry * 0.3) / lamp.ry;
          l += lamp.strength * Math.exp(-(ex * ex + ey * ey));
        }
        // A faint cone of light in the air between the head and the pool.
        if (y > lamp.headY && y < lamp.baseY) {
          const t = (y - lamp.headY) / (lamp.baseY - lamp.headY);
          const coneHalf = 0.004 + t * lamp.rx * 0.8;
          const cx = Math.abs(x - lamp.headX) / coneHalf;
          if (cx < 1) l += 7 * (1 - cx) * (1 - 0.6 * t);
        }
        // Halo round the head.
        const hx = (x - lamp.headX) * (width / height);
        const hy = y - lamp.headY;
        const hr = 0.006 + 0.012 * (lamp.baseY - horizon);
        l += 230 * Math.exp(-(hx * hx + hy * hy) / (hr * hr));
        // The pole and its arm.
        const poleW = (0.7 + 2.5 * (lamp.baseY - horizon)) / width;
        if (Math.abs(x - lamp.baseX) < poleW && y > lamp.headY && y < lamp.baseY) {
          r = 12;
          g = 12;
          b = 14;
        }
        if (Math.abs(y - lamp.headY) < poleW * (width / height) && x >= Math.min(lamp.baseX, lamp.headX) && x <= Math.max(lamp.baseX, lamp.headX)) {
          r = 12;
          g = 12;
          b = 14;
        }
      }
      base[i * 3] = r;
      base[i * 3 + 1] = g;
      base[i * 3 + 2] = b;
      light[i] = l;
      luma[i] = 0.299 * (r + l * LAMP_RGB[0]) + 0.587 * (g + l * LAMP_RGB[1]) + 0.114 * (b + l * LAMP_RGB[2]);
    }
  }
  return { base, light, luma };
}

// ---------------------------------------------------------------------------------------------------------------
// People

/** Clothing colours: dark ones for people under a lamp, light ones for people in the dark. */
const DARK_CLOTHES = [
  [28, 30, 40],
  [45, 25, 25],
  [20, 35, 30],
  [38, 38, 42],
] as const;
const LIGHT_CLOTHES = [
  [200, 200, 190],
  [185, 160, 120],
  [150, 180, 210],
  [210, 150, 150],
] as const;

function drawPerson(rgba: Uint8ClampedArray, width: number, height: number, box: Box, bg: Background): void {
  const x0 = box[0] * width;
  const y0 = box[1] * height;
  const bw = box[2] * width;
  const bh = box[3] * height;
  const rand = mulberry32(hashParts(box[0], box[1], box[2], box[3]));
  const cx = Math.min(width - 1, Math.max(0, Math.floor(x0 + bw / 2)));
  const cy = Math.min(height - 1, Math.max(0, Math.floor(y0 + bh * 0.45)));
  const around = bg.luma[cy * width + cx]!;
  const lit = around > 70;
  const palette = lit ? DARK_CLOTHES : LIGHT_CLOTHES;
  const top = palette[Math.floor(rand() * palette.length)]!;
  const legs = lit ? [18, 18, 24] : [110, 105, 100];
  const skinGain = Math.min(1.1, Math.max(0.45, around / 110));
  const skin = [175 * skinGain, 135 * skinGain, 105 * skinGain];
  const headR = Math.max(1, Math.min(0.085 * bh, 0.42 * bw));
  const headCx = x0 + bw / 2;
  const headCy = y0 + headR + 0.01 * bh;

  const yStart = Math.max(0, Math.floor(y0));
  const yEnd = Math.min(height, Math.ceil(y0 + bh * 1.03));
  const xStart = Math.max(0, Math.floor(x0 - bw * 0.2));
  const xEnd = Math.min(width, Math.ceil(x0 + bw * 1.2));
  for (let py = yStart; py < yEnd; py++) {
    const v = (py + 0.5 - y0) / bh;
    for (let px = xStart; px < xEnd; px++) {
      const u = (px + 0.5 - x0) / bw;
      const du = Math.abs(u - 0.5);
      let c: readonly number[] | undefined;
      let shade = 1;
      const hx = px + 0.5 - headCx;
      const hy = py + 0.5 - headCy;
      if (hx * hx + hy * hy <= headR * headR) {
        c = skin;
      } else if (v >= 0.19 && v < 0.6) {
        if (du < 0.45 - 0.12 * ((v - 0.19) / 0.41)) {
          c = top;
          shade = 1.12 - 0.25 * v; // lit from above
        }
      } else if (v >= 0.6 && v <= 1) {
        if (du > 0.035 && du < 0.27) c = legs;
      } else if (v > 1 && v < 1.03) {
        // A soft shadow at the feet.
        const ex = (u - 0.5) / 0.7;
        const ey = (v - 1.0) / 0.03;
        if (ex * ex + ey * ey < 1) shade = 0.7;
        if (shade < 1) {
          const p = (py * width + px) * 4;
          rgba[p] = rgba[p]! * shade;
          rgba[p + 1] = rgba[p + 1]! * shade;
          rgba[p + 2] = rgba[p + 2]! * shade;
        }
        continue;
      }
      if (!c) continue;
      const p = (py * width + px) * 4;
      rgba[p] = c[0]! * shade;
      rgba[p + 1] = c[1]! * shade;
      rgba[p + 2] = c[2]! * shade;
    }
  }
}
