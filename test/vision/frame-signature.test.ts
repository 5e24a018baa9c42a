// Change gating: signatures of synthetic JPEG street scenes, their distances, and the gate's decisions.
import { encode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import {
  GATE_DEFAULTS,
  SIGNATURE_SIZE,
  frameSignature,
  gateDecision,
  signatureDistance,
  type FrameSignature,
} from '../../lambdas/shared/domain/frame-signature.ts';

/** Deterministic PRNG (mulberry32) so noisy scenes are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scene {
  width: number;
  height: number;
  /** Per-pixel noise amplitude (± grey levels), as from a camera sensor. */
  noise?: number;
  seed?: number;
  /** Dark figures (people) standing on the square, `size` = figure height in pixels. */
  figures?: number;
  brightness?: number;
}

/** A street scene: sky gradient, building blocks, a light paved square, optional dark figures; RGBA pixels. */
function paint({ width, height, noise = 0, seed = 1, figures = 0, brightness = 0 }: Scene): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const rnd = prng(seed);
  const set = (x: number, y: number, r: number, g: number, b: number) => {
    const p = (y * width + x) * 4;
    rgba[p] = r;
    rgba[p + 1] = g;
    rgba[p + 2] = b;
    rgba[p + 3] = 255;
  };
  const horizon = Math.round(height * 0.45);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let c: [number, number, number];
      if (y < horizon) {
        const building = Math.floor((x / width) * 9) % 3 !== 1 && y > horizon * (0.3 + 0.15 * (Math.floor((x / width) * 9) % 4));
        c = building ? [120, 110, 100] : [150 + Math.round((60 * y) / horizon), 185, 225];
      } else {
        const tile = (Math.floor(x / 24) + Math.floor(y / 24)) % 2 === 0 ? 0 : 12;
        c = [185 + tile, 180 + tile, 170 + tile];
      }
      const n = noise ? Math.round((rnd() * 2 - 1) * noise) : 0;
      set(x, y, clamp(c[0] + n + brightness), clamp(c[1] + n + brightness), clamp(c[2] + n + brightness));
    }
  }
  // Figures: a dark body and head, about 1/8 of the frame height, scattered over the square.
  const place = prng(42);
  const h = Math.round(height / 8);
  const w = Math.max(2, Math.round(h * 0.35));
  for (let f = 0; f < figures; f++) {
    const fx = Math.floor(place() * (width - w));
    const fy = horizon + Math.floor(place() * (height - horizon - h));
    for (let y = fy; y < fy + h; y++) {
      const head = y < fy + h * 0.2;
      for (let x = fx; x < fx + w; x++) {
        if (head && (x < fx + w * 0.25 || x > fx + w * 0.75)) continue;
        set(x, y, 35, 30, 40);
      }
    }
  }
  return rgba;
}

const clamp = (v: number) => Math.max(0, Math.min(255, v));

function jpeg(scene: Scene, quality = 80): Uint8Array {
  return new Uint8Array(encode({ width: scene.width, height: scene.height, data: paint(scene) }, quality).data);
}

const sig = (bytes: Uint8Array): FrameSignature => {
  const s = frameSignature(bytes);
  if (s === null) throw new Error('expected a signature');
  return s;
};

const VGA = { width: 640, height: 360 };

describe('frameSignature', () => {
  it('is a short string (≤ 400 bytes) of 16 x 16 grey levels', () => {
    const s = sig(jpeg({ ...VGA, noise: 6 }));
    expect(s.startsWith(`g${SIGNATURE_SIZE}:`)).toBe(true);
    expect(new TextEncoder().encode(s).length).toBeLessThanOrEqual(400);
    expect(atob(s.slice(4)).length).toBe(256);
  });

  it('is null for a PNG (no gating: the frame is always analysed), other formats and broken JPEGs', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(frameSignature(png)).toBeNull();
    expect(frameSignature(new TextEncoder().encode('GIF89a....'))).toBeNull();
    expect(frameSignature(new Uint8Array(0))).toBeNull();
    expect(frameSignature(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]))).toBeNull();
    const truncated = jpeg({ width: 64, height: 48 }).slice(0, 200);
    expect(frameSignature(truncated)).toBeNull();
  });

  it('works for frames smaller than the grid', () => {
    const s = sig(jpeg({ width: 8, height: 4 }));
    expect(signatureDistance(s, s)).toBe(0);
  });

  it('measures a small distance for the same scene with sensor noise and re-encoding', () => {
    const a = sig(jpeg({ ...VGA, noise: 8, seed: 1 }, 80));
    const b = sig(jpeg({ ...VGA, noise: 8, seed: 2 }, 70));
    const d = signatureDistance(a, b);
    console.log(`same scene, other noise and quality: distance ${d.toFixed(4)}`);
    expect(d).toBeLessThan(GATE_DEFAULTS.threshold / 3);
  });

  it('measures a large distance when 20 dark figures walk into the scene', () => {
    const empty = sig(jpeg({ ...VGA, noise: 8, seed: 1 }));
    const crowd = sig(jpeg({ ...VGA, noise: 8, seed: 2, figures: 20 }));
    const d = signatureDistance(empty, crowd);
    console.log(`20 figures added: distance ${d.toFixed(4)}`);
    expect(d).toBeGreaterThan(GATE_DEFAULTS.threshold);
  });

  it('sees one figure as a change too small to trip the gate (maxAgeSeconds bounds how long that lasts)', () => {
    const empty = sig(jpeg({ ...VGA, noise: 8, seed: 1 }));
    const one = sig(jpeg({ ...VGA, noise: 8, seed: 2, figures: 1 }));
    const d = signatureDistance(empty, one);
    console.log(`1 figure added: distance ${d.toFixed(4)}`);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(GATE_DEFAULTS.threshold);
  });

  it('decodes a 1920 x 1080 JPEG in reasonable time (logged, not asserted)', () => {
    const bytes = jpeg({ width: 1920, height: 1080, noise: 8, figures: 20 }, 85);
    frameSignature(bytes); // warm-up (JIT)
    const runs = 3;
    const started = performance.now();
    let s: FrameSignature | null = null;
    for (let i = 0; i < runs; i++) s = frameSignature(bytes);
    const ms = (performance.now() - started) / runs;
    console.log(`1920x1080 JPEG (${Math.round(bytes.length / 1024)} KiB): frameSignature ${ms.toFixed(0)} ms per frame`);
    expect(s).not.toBeNull();
    // The full-HD signature matches a downscaled rendering of the same scene closely.
    const small = sig(jpeg({ width: 480, height: 270, noise: 8, figures: 20 }, 85));
    expect(signatureDistance(s!, small)).toBeLessThan(GATE_DEFAULTS.threshold);
  });
});

describe('signatureDistance', () => {
  const black = sig(jpeg({ width: 32, height: 32, brightness: -255 }));
  const white = sig(jpeg({ width: 32, height: 32, brightness: 255 }));

  it('is 0 for identical signatures and 1 for black against white', () => {
    expect(signatureDistance(black, black)).toBe(0);
    expect(signatureDistance(black, white)).toBe(1);
  });

  it('is symmetric and notices a global brightness change', () => {
    const a = sig(jpeg({ ...VGA }));
    const b = sig(jpeg({ ...VGA, brightness: -30 }));
    expect(signatureDistance(a, b)).toBe(signatureDistance(b, a));
    expect(signatureDistance(a, b)).toBeGreaterThan(GATE_DEFAULTS.threshold);
  });

  it('is 1 (maximally different) for a malformed signature or another format', () => {
    expect(signatureDistance(black, 'g16:not-base64!')).toBe(1);
    expect(signatureDistance(black, 'g8:AAAA')).toBe(1);
    expect(signatureDistance(black, `g16:${btoa('short')}`)).toBe(1);
  });
});

describe('gateDecision', () => {
  const before = sig(jpeg({ ...VGA, noise: 8, seed: 1 }));
  const same = sig(jpeg({ ...VGA, noise: 8, seed: 3 }));
  const crowd = sig(jpeg({ ...VGA, noise: 8, seed: 3, figures: 20 }));
  const last = { signature: before, analysedAt: '2026-11-25T08:00:00Z', count: 4 };
  const base = { threshold: GATE_DEFAULTS.threshold, maxAgeSeconds: 300 };

  it('carries the last count when the frame is unchanged and the analysis recent', () => {
    const d = gateDecision({ ...base, now: '2026-11-25T08:04:59Z', current: same, last });
    expect(d).toMatchObject({ analyse: false, reason: 'unchanged', carriedCount: 4 });
    expect(d.distance).toBeLessThan(GATE_DEFAULTS.threshold);
  });

  it('carries up to exactly maxAgeSeconds, then analyses an unchanged frame', () => {
    expect(gateDecision({ ...base, now: '2026-11-25T08:05:00Z', current: same, last }).analyse).toBe(false);
    expect(gateDecision({ ...base, now: '2026-11-25T08:05:01Z', current: same, last })).toMatchObject({
      analyse: true,
      reason: 'too-old',
    });
  });

  it('analyses a changed frame however recent the last analysis', () => {
    const d = gateDecision({ ...base, now: '2026-11-25T08:00:10Z', current: crowd, last });
    expect(d).toMatchObject({ analyse: true, reason: 'changed' });
    expect(d.distance).toBeGreaterThan(GATE_DEFAULTS.threshold);
  });

  it('treats a distance equal to the threshold as changed (strictly below carries)', () => {
    const d = signatureDistance(same, before);
    expect(gateDecision({ ...base, threshold: d, now: '2026-11-25T08:00:10Z', current: same, last }).analyse).toBe(true);
  });

  it('analyses a PNG frame (no signature) and the first frame of a camera', () => {
    expect(gateDecision({ ...base, now: '2026-11-25T08:00:10Z', current: null, last })).toEqual({
      analyse: true,
      reason: 'no-signature',
    });
    expect(gateDecision({ ...base, now: '2026-11-25T08:00:10Z', current: same, last: undefined })).toEqual({
      analyse: true,
      reason: 'no-previous',
    });
    const lastWasPng = { ...last, signature: null };
    expect(gateDecision({ ...base, now: '2026-11-25T08:00:10Z', current: same, last: lastWasPng }).reason).toBe(
      'no-previous',
    );
  });

  it('carries for a frame delivered out of order shortly before the last analysis', () => {
    const d = gateDecision({ ...base, now: new Date('2026-11-25T07:59:50Z'), current: same, last });
    expect(d).toMatchObject({ analyse: false, carriedCount: 4 });
  });
});
