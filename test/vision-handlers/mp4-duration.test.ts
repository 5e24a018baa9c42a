// The clip duration from the MP4 header, read with ranged reads wherever moov sits.
import { describe, expect, it } from 'vitest';
import { mp4DurationSeconds } from '../../lambdas/start-clip/mp4-duration.ts';
import { syntheticMp4 } from '../helpers/vision.ts';

/** A range reader over bytes that counts its reads. */
function reader(bytes: Uint8Array) {
  const reads: Array<[number, number]> = [];
  const read = async (start: number, end: number) => {
    reads.push([start, end]);
    return bytes.subarray(start, end + 1);
  };
  return { read, reads };
}

describe('mp4DurationSeconds', () => {
  it('reads mvhd when moov comes first ("fast start") and when it comes after mdat, in a few small reads', async () => {
    // Prepare
    const first = syntheticMp4({ seconds: 12.5, moovFirst: true });
    const last = syntheticMp4({ seconds: 75, mdatBytes: 5_000_000 });
    const r1 = reader(first);
    const r2 = reader(last);

    // Act
    const a = await mp4DurationSeconds(first.length, r1.read);
    const b = await mp4DurationSeconds(last.length, r2.read);

    // Assert
    expect([a, b]).toEqual([12.5, 75]);
    expect(r2.reads.length).toBeLessThanOrEqual(4);
    expect(Math.max(...r2.reads.map(([s, e]) => e - s + 1))).toBeLessThanOrEqual(4096);
  });

  it('handles a 64-bit mdat size and a version 1 mvhd', async () => {
    // Prepare
    const bytes = syntheticMp4({ seconds: 3600, largeMdat: true, mvhdVersion: 1 });

    // Act / Assert
    expect(await mp4DurationSeconds(bytes.length, reader(bytes).read)).toBe(3600);
  });

  it('gives up (undefined) on anything that is not an ISO-BMFF file or is truncated', async () => {
    // Prepare
    const notMp4 = new Uint8Array(1000).fill(65);
    const truncated = syntheticMp4({ seconds: 5 }).subarray(0, 40);
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1]);

    // Act / Assert
    expect(await mp4DurationSeconds(notMp4.length, reader(notMp4).read)).toBeUndefined();
    expect(await mp4DurationSeconds(truncated.length, reader(truncated).read)).toBeUndefined();
    expect(await mp4DurationSeconds(jpeg.length, reader(jpeg).read)).toBeUndefined();
  });
});
