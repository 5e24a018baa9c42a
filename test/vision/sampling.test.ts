// Sampling decisions: active hours across midnight in Asia/Ho_Chi_Minh, adaptive grades, jitter slack, guards off.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NO_RULE_MULTIPLIER,
  adaptiveMultiplier,
  samplingDecision,
  type SamplingCamera,
  type SamplingInput,
} from '../../lambdas/shared/domain/sampling.ts';

const TZ = 'Asia/Ho_Chi_Minh'; // UTC+7 all year

const nightCamera: SamplingCamera = {
  intervalSeconds: 10,
  activeHours: { from: '22:00', to: '05:00' }, // 15:00-22:00 UTC
  guards: { activeHours: true, adaptiveSampling: true },
};
const alwaysOn: SamplingCamera = { intervalSeconds: 10, guards: { activeHours: true, adaptiveSampling: true } };

const at = (iso: string, over: Partial<SamplingInput> = {}): SamplingInput => ({
  now: iso,
  camera: nightCamera,
  zoneThresholds: [40, 100],
  timezone: TZ,
  ...over,
});

/** `seconds` after `iso`, as an ISO string. */
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

describe('active hours (22:00-05:00 local, crossing midnight)', () => {
  it('skips the last second before the window opens, and says when it opens', () => {
    expect(samplingDecision(at('2026-11-25T14:59:59Z'))).toEqual({
      analyse: false,
      reason: 'inactive-hours',
      nextDueInSeconds: 1,
      multiplier: 1,
    });
  });

  it('analyses from 22:00 local (15:00 UTC), the window start being inclusive', () => {
    expect(samplingDecision(at('2026-11-25T15:00:00Z'))).toMatchObject({ analyse: true, reason: 'due' });
  });

  it('stays active across local midnight (16:59:59 and 17:00 UTC)', () => {
    expect(samplingDecision(at('2026-11-25T16:59:59Z')).analyse).toBe(true); // 23:59:59 on the 25th
    expect(samplingDecision(at('2026-11-25T17:00:00Z')).analyse).toBe(true); // 00:00 on the 26th
  });

  it('analyses at 04:59:59 local and stops at 05:00 (end exclusive) until 22:00, 17 hours later', () => {
    expect(samplingDecision(at('2026-11-25T21:59:59Z')).analyse).toBe(true);
    expect(samplingDecision(at('2026-11-25T22:00:00Z'))).toEqual({
      analyse: false,
      reason: 'inactive-hours',
      nextDueInSeconds: 17 * 3600,
      multiplier: 1,
    });
  });

  it('reads a daytime window (06:00-22:00) in local time, not UTC', () => {
    const day: SamplingCamera = { ...nightCamera, activeHours: { from: '06:00', to: '22:00' } };
    // 22:59 UTC on the 24th is 05:59 local on the 25th.
    expect(samplingDecision(at('2026-11-24T22:59:00Z', { camera: day }))).toMatchObject({
      analyse: false,
      nextDueInSeconds: 60,
    });
    expect(samplingDecision(at('2026-11-24T23:00:00Z', { camera: day })).analyse).toBe(true);
    expect(samplingDecision(at('2026-11-25T14:59:00Z', { camera: day })).analyse).toBe(true); // 21:59 local
    expect(samplingDecision(at('2026-11-25T15:00:00Z', { camera: day })).reason).toBe('inactive-hours');
  });

  it('ignores active hours when the guard is off, and analyses always without a window', () => {
    const off: SamplingCamera = { ...nightCamera, guards: { activeHours: false, adaptiveSampling: true } };
    expect(samplingDecision(at('2026-11-25T05:00:00Z', { camera: off }))).toMatchObject({ analyse: true, reason: 'due' });
    expect(samplingDecision(at('2026-11-25T05:00:00Z', { camera: alwaysOn })).analyse).toBe(true);
  });
});

describe('adaptive sampling (lowest threshold 40, interval 10 s)', () => {
  const last = '2026-11-25T16:00:00Z'; // 23:00 local: inside the night window
  const after = (seconds: number, lastCount: number | undefined, over: Partial<SamplingInput> = {}) =>
    samplingDecision(at(plus(last, seconds), { lastAnalysedAt: last, lastCount, ...over }));

  it('samples 6x slower below 25 % of the lowest threshold (count 9 < 10)', () => {
    expect(after(58, 9)).toEqual({ analyse: false, reason: 'adaptive-skip', nextDueInSeconds: 2, multiplier: 6 });
    expect(after(59, 9)).toMatchObject({ analyse: true, reason: 'due' }); // within the 1 s jitter slack
    expect(after(60, 9)).toEqual({ analyse: true, reason: 'due', nextDueInSeconds: 60, multiplier: 6 });
  });

  it('samples 3x slower from 25 % to below 50 % (counts 10 and 19)', () => {
    expect(after(28, 10)).toMatchObject({ analyse: false, reason: 'adaptive-skip', multiplier: 3 });
    expect(after(30, 10)).toMatchObject({ analyse: true, multiplier: 3 });
    expect(after(28, 19)).toMatchObject({ analyse: false, reason: 'adaptive-skip', multiplier: 3 });
  });

  it('samples every frame at the interval from 50 % of the threshold and above (counts 20 and 120)', () => {
    expect(after(10, 20)).toEqual({ analyse: true, reason: 'due', nextDueInSeconds: 10, multiplier: 1 });
    expect(after(10, 120)).toMatchObject({ analyse: true, multiplier: 1 });
  });

  it('skips frames arriving faster than the interval as too-soon, at every grade', () => {
    expect(after(5, 120)).toEqual({ analyse: false, reason: 'too-soon', nextDueInSeconds: 5, multiplier: 1 });
    expect(after(8.9, 0)).toMatchObject({ analyse: false, reason: 'too-soon', multiplier: 6 });
    expect(after(9, 120).analyse).toBe(true); // 9.8 s or 9 s: jitter slack of 10 % of the interval
  });

  it('skips a frame older than the last analysed one (out of order) as too-soon', () => {
    expect(after(-30, 120)).toMatchObject({ analyse: false, reason: 'too-soon' });
  });

  it('uses the slow multiplier for a zone with no crowd rule', () => {
    expect(after(30, 500, { zoneThresholds: [] })).toMatchObject({
      analyse: false,
      reason: 'adaptive-skip',
      multiplier: NO_RULE_MULTIPLIER,
    });
    expect(after(60, 500, { zoneThresholds: [] }).analyse).toBe(true);
  });

  it('runs at full rate when the last count is unknown, and analyses the first frame ever', () => {
    expect(after(10, undefined)).toMatchObject({ analyse: true, multiplier: 1 });
    expect(samplingDecision(at(last, { lastCount: 3 }))).toEqual({
      analyse: true,
      reason: 'due',
      nextDueInSeconds: 60,
      multiplier: 6,
    });
  });

  it('samples every frame at the interval when the adaptive guard is off', () => {
    const camera: SamplingCamera = { ...nightCamera, guards: { activeHours: true, adaptiveSampling: false } };
    expect(after(10, 0, { camera })).toEqual({ analyse: true, reason: 'due', nextDueInSeconds: 10, multiplier: 1 });
    expect(after(5, 0, { camera }).reason).toBe('too-soon');
  });

  it('with every guard off, is a plain rate limit at the interval', () => {
    const camera: SamplingCamera = { ...nightCamera, guards: { activeHours: false, adaptiveSampling: false } };
    const noon = '2026-11-25T05:00:00Z';
    const d = (s: number) => samplingDecision(at(plus(noon, s), { camera, lastAnalysedAt: noon, lastCount: 0 }));
    expect(d(8).analyse).toBe(false);
    expect(d(9).analyse).toBe(true);
    expect(d(3600).analyse).toBe(true);
  });

  it('never un-dues a frame by waiting longer (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 3 }),
        fc.double({ min: 0, max: 4000, noNaN: true }),
        fc.double({ min: 0, max: 4000, noNaN: true }),
        (intervalSeconds, lastCount, zoneThresholds, e1, e2) => {
          const camera: SamplingCamera = { ...alwaysOn, intervalSeconds };
          const [early, late] = e1 <= e2 ? [e1, e2] : [e2, e1];
          const decide = (e: number) =>
            samplingDecision({ now: plus(last, e), camera, lastAnalysedAt: last, lastCount, zoneThresholds, timezone: TZ });
          if (decide(early).analyse) expect(decide(late).analyse).toBe(true);
          const { multiplier } = decide(late);
          expect(decide(intervalSeconds * multiplier).analyse).toBe(true);
        },
      ),
    );
  });
});

describe('adaptiveMultiplier', () => {
  it('grades against the lowest positive threshold and ignores invalid ones', () => {
    expect(adaptiveMultiplier(4, [100, 20])).toBe(6); // 4 < 25 % of 20
    expect(adaptiveMultiplier(5, [100, 20])).toBe(3);
    expect(adaptiveMultiplier(10, [100, 20])).toBe(1);
    expect(adaptiveMultiplier(10, [0, Number.NaN, 100])).toBe(6); // lowest valid is 100
    expect(adaptiveMultiplier(10, [0])).toBe(NO_RULE_MULTIPLIER);
  });
});
