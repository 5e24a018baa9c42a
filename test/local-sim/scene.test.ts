// Simulated frames: the ground truth travels in the JPEG, an empty night stays under the change gate, a crowd does not.
import { decode, encode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { GATE_DEFAULTS, frameSignature, signatureDistance } from '../../lambdas/shared/domain/frame-signature.ts';
import type { Box } from '../../lambdas/shared/domain/people-count.ts';
import { encodeJpeg } from '../../local/simulator/jpeg-encoder.ts';
import { GROUND_TRUTH_PREFIX, readGroundTruth, renderFrame } from '../../local/simulator/scene.ts';

/** `n` people standing on the square, nearer ones larger. */
function crowd(n: number): Box[] {
  return Array.from({ length: n }, (_, i) => {
    const foot = 0.5 + (i % 5) * 0.1;
    const h = 0.06 + 0.45 * (foot - 0.3);
    return [0.08 + ((i * 0.137) % 0.82), foot - h, h * 0.225, h] as Box;
  });
}

describe('renderFrame / readGroundTruth', () => {
  it('carries the people boxes in a JPEG comment that readGroundTruth reads back without decoding', () => {
    // Prepare
    const people: Box[] = [
      [0.1, 0.45, 0.06, 0.3],
      [0.512345678, 0.5, 0.05, 0.25],
      [0.9, 0.6, 0.2, 0.3], // reaches past the right edge: clipped
    ];

    // Act
    const frame = renderFrame({ people, seed: 7, frameNo: 1 });

    // Assert
    expect(frame.people).toEqual([
      [0.1, 0.45, 0.06, 0.3],
      [0.5123, 0.5, 0.05, 0.25],
      [0.9, 0.6, 0.1, 0.3],
    ]);
    expect(readGroundTruth(frame.jpeg)).toEqual(frame.people);
    const image = decode(frame.jpeg, { useTArray: true });
    expect({ width: image.width, height: image.height }).toEqual({ width: 640, height: 360 });
    expect(image.comments).toEqual([`${GROUND_TRUTH_PREFIX}${JSON.stringify({ v: 1, people: frame.people, simulated: true })}`]);
  });

  it('an empty scene has an empty ground truth; other bytes have none', () => {
    // Prepare
    const empty = renderFrame({ people: [], seed: 7, frameNo: 2 });
    const plain = encode({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 4) }, 80).data;
    const otherComment = encode({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 4), comments: ['made by a camera'] }, 80).data;
    const malformed = encode({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 4), comments: [`${GROUND_TRUTH_PREFIX}{"v":1,"people":[[2,0,0,0]]}`] }, 80).data;

    // Act / Assert
    expect(readGroundTruth(empty.jpeg)).toEqual([]);
    expect(readGroundTruth(plain)).toBeUndefined();
    expect(readGroundTruth(otherComment)).toBeUndefined();
    expect(readGroundTruth(malformed)).toBeUndefined();
    expect(readGroundTruth(new TextEncoder().encode('{"not":"a jpeg"}'))).toBeUndefined();
    expect(readGroundTruth(empty.jpeg.subarray(0, 30))).toBeUndefined();
  });

  it('is deterministic: the same seed, frame number and people give the same bytes', () => {
    // Act
    const a = renderFrame({ people: crowd(5), seed: 11, frameNo: 40 });
    const b = renderFrame({ people: crowd(5), seed: 11, frameNo: 40 });
    const c = renderFrame({ people: crowd(5), seed: 11, frameNo: 41 });

    // Assert
    expect(Buffer.from(a.jpeg).equals(Buffer.from(b.jpeg))).toBe(true);
    expect(Buffer.from(a.jpeg).equals(Buffer.from(c.jpeg))).toBe(false);
  });

  it('two empty frames differ, but less than the gating threshold; twenty people move the signature well past it', () => {
    // Prepare
    const timings: number[] = [];
    const render = (people: Box[], frameNo: number) => {
      const started = performance.now();
      const f = renderFrame({ people, seed: 3, frameNo });
      timings.push(performance.now() - started);
      return f;
    };
    render([], 0); // paints and caches the static background

    // Act
    const first = render([], 1);
    const second = render([], 2);
    const crowded = render(crowd(20), 3);
    const few = render(crowd(3), 4);

    // Assert
    expect(Buffer.from(first.jpeg).equals(Buffer.from(second.jpeg))).toBe(false);
    const sig = (f: { jpeg: Uint8Array }) => frameSignature(f.jpeg)!;
    const empty = signatureDistance(sig(first), sig(second));
    const twenty = signatureDistance(sig(first), sig(crowded));
    const three = signatureDistance(sig(first), sig(few));
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(GATE_DEFAULTS.threshold / 4);
    expect(twenty).toBeGreaterThan(GATE_DEFAULTS.threshold * 2);
    expect(three).toBeGreaterThan(empty);
    const warm = timings.slice(1);
    console.log(
      `[scene] 640x360 frame: first ${timings[0]!.toFixed(0)} ms (background), then ${(warm.reduce((a, b) => a + b, 0) / warm.length).toFixed(1)} ms mean; ` +
        `${first.jpeg.length} bytes; distances: empty ${empty.toFixed(4)}, 3 people ${three.toFixed(4)}, 20 people ${twenty.toFixed(4)} (gate ${GATE_DEFAULTS.threshold})`,
    );
  });

  it('the reused encoder writes exactly what jpeg-js encode() writes', () => {
    // Prepare
    const data = new Uint8Array(48 * 32 * 4).map((_, i) => (i * 37) % 251);
    const image = { width: 48, height: 32, data, comments: ['smartcity-sim:{"v":1,"people":[],"simulated":true}'] };

    // Act
    const ours = [encodeJpeg(image, 75), encodeJpeg(image, 75), encodeJpeg(image, 90)];
    const theirs = [encode(image, 75).data, encode(image, 75).data, encode(image, 90).data];

    // Assert
    ours.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(theirs[i]!))).toBe(true));
  });

  it('refuses sizes it cannot draw', () => {
    expect(() => renderFrame({ people: [], seed: 1, frameNo: 0, width: 8, height: 8 })).toThrow(/at least 16x16/);
    expect(() => renderFrame({ people: [], seed: 1, frameNo: 0, width: 100.5, height: 50 })).toThrow(/integers/);
  });
});
