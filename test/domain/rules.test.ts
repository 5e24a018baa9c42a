// Rule evaluation: windows in local time, threshold edges, sustain, crowd sums, cooldown, redelivery, lateness, stale sources.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ruleSchema, type Rule } from '../../lib/config/schema.ts';
import type { Observation } from '../../lambdas/shared/domain/observation.ts';
import {
  CROWD_FRESHNESS_MS,
  RECENT_IDS_LIMIT,
  evaluate,
  evaluateStale,
  incidentIdFor,
  initialRuleState,
  onIncidentClosed,
  subjectsFor,
  sweepStale,
  type CrowdRule,
  type RuleEffect,
  type RuleState,
  type StaleRule,
  type StreamRule,
  type ThresholdRule,
} from '../../lambdas/shared/domain/rules.ts';
import { inLocalWindow } from '../../lambdas/shared/domain/time.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const title = { vi: 'Quy tắc thử', en: 'Test rule' };

const crowdRule = (over: Record<string, unknown> = {}): CrowdRule =>
  ruleSchema.parse({ id: 'crowd-bd', kind: 'crowd', title, zone: 'dn-bach-dang', minPeople: 15, ...over }) as CrowdRule;
const thresholdRule = (over: Record<string, unknown> = {}): ThresholdRule =>
  ruleSchema.parse({ id: 'pm25-high', kind: 'threshold', title, sensorKind: 'pm25', op: '>', value: 150, ...over }) as ThresholdRule;
const staleRule = (over: Record<string, unknown> = {}): StaleRule =>
  ruleSchema.parse({ id: 'offline', kind: 'stale', title, afterMinutes: 30, ...over }) as StaleRule;

let seq = 0;
const obs = (over: Partial<Observation> = {}): Observation => ({
  v: 1,
  id: `obs-${++seq}`,
  source: 'cam-dn-001',
  kind: 'people_count',
  zone: 'dn-bach-dang',
  ts: '2026-11-25T15:30:00.000Z',
  value: 20,
  ...over,
});
const at = (base: string, seconds: number): string => new Date(Date.parse(base) + seconds * 1000).toISOString();

/** Feeds observations in order, threading the state, and returns every effect and the final state. */
function run(rule: StreamRule, observations: Observation[], start?: RuleState) {
  let state = start;
  const effects: RuleEffect[] = [];
  for (const o of observations) {
    const r = evaluate(rule, state, o, TZ);
    state = r.state;
    effects.push(r.effect);
  }
  return { state: state!, effects, types: effects.map((e) => e.type) };
}

describe('subjectsFor', () => {
  it('maps a people count in the rule zone to the zone subject', () => {
    // Prepare
    const rule = crowdRule();
    // Act
    const subjects = subjectsFor(rule, obs());
    // Assert
    expect(subjects).toEqual([{ ruleId: 'crowd-bd', subject: 'dn-bach-dang', zone: 'dn-bach-dang' }]);
  });

  it('ignores other zones, other kinds, disabled rules and stale rules', () => {
    // Prepare
    const o = obs();
    // Act
    const results = [
      subjectsFor(crowdRule(), obs({ zone: 'dn-cau-rong' })),
      subjectsFor(crowdRule(), obs({ kind: 'pm25' })),
      subjectsFor(crowdRule({ enabled: false }), o),
      subjectsFor(staleRule(), o),
    ];
    // Assert
    expect(results).toEqual([[], [], [], []]);
  });

  it('matches threshold rules by sensor kind or by source, with the source as subject, and honours a zone filter', () => {
    // Prepare
    const reading = obs({ source: 'aq-dn-002', kind: 'pm25', zone: 'dn-cau-rong', value: 160 });
    // Act
    const byKind = subjectsFor(thresholdRule(), reading);
    const bySource = subjectsFor(thresholdRule({ sensorKind: undefined, source: 'aq-dn-002' }), reading);
    const otherSource = subjectsFor(thresholdRule({ sensorKind: undefined, source: 'aq-dn-001' }), reading);
    const inZone = subjectsFor(thresholdRule({ zone: 'dn-cau-rong' }), reading);
    const otherZone = subjectsFor(thresholdRule({ zone: 'dn-my-khe' }), reading);
    const otherKind = subjectsFor(thresholdRule({ sensorKind: 'water_level' }), reading);
    // Assert
    expect(byKind).toEqual([{ ruleId: 'pm25-high', subject: 'aq-dn-002', zone: 'dn-cau-rong' }]);
    expect(bySource).toHaveLength(1);
    expect(otherSource).toEqual([]);
    expect(inZone).toHaveLength(1);
    expect(otherZone).toEqual([]);
    expect(otherKind).toEqual([]);
  });

  it('trusts the registry over the envelope and ignores unregistered sources when given one', () => {
    // Prepare
    const registry = {
      cameras: [{ id: 'cam-dn-001', zone: 'dn-bach-dang' }],
      sensors: [{ id: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang' }],
    } as never;
    // Act
    const wrongEnvelopeZone = subjectsFor(crowdRule(), obs({ zone: 'dn-cau-rong' }), registry);
    const unknownCamera = subjectsFor(crowdRule(), obs({ source: 'cam-xx-999' }), registry);
    const unknownSensor = subjectsFor(thresholdRule(), obs({ source: 'aq-xx-999', kind: 'pm25' }), registry);
    const knownSensor = subjectsFor(thresholdRule(), obs({ source: 'aq-dn-001', kind: 'pm25' }), registry);
    // Assert
    expect(wrongEnvelopeZone).toEqual([{ ruleId: 'crowd-bd', subject: 'dn-bach-dang', zone: 'dn-bach-dang' }]);
    expect(unknownCamera).toEqual([]);
    expect(unknownSensor).toEqual([]);
    expect(knownSensor).toEqual([{ ruleId: 'pm25-high', subject: 'aq-dn-001', zone: 'dn-bach-dang' }]);
  });
});

describe('time window crossing midnight (22:00-05:00, Asia/Ho_Chi_Minh, observations in UTC)', () => {
  const rule = crowdRule({ window: { from: '22:00', to: '05:00' }, sustain: { observations: 1 } });
  const judge = (ts: string) => evaluate(rule, undefined, obs({ ts, value: 30 }), TZ).effect.type;

  it.each([
    ['2026-11-25T15:30:00Z', '22:30 local', 'open'],
    ['2026-11-25T08:00:00Z', '15:00 local', 'none'],
    ['2026-11-25T14:59:00Z', '21:59 local', 'none'],
    ['2026-11-25T15:00:00Z', '22:00 local (from is inclusive)', 'open'],
    ['2026-11-25T21:59:00Z', '04:59 local next day', 'open'],
    ['2026-11-25T22:00:00Z', '05:00 local (to is exclusive)', 'none'],
  ])('%s (%s) → %s', (ts, _label, expected) => {
    // Act
    const type = judge(ts);
    // Assert
    expect(type).toBe(expected);
  });

  it('agrees with a brute-force check of the local hour for any instant', () => {
    // Prepare: local wall clock = UTC + 7 h, no daylight saving
    const window = { from: '22:00', to: '05:00' };
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), (ms) => {
        const ts = new Date(ms).toISOString();
        const localHour = new Date(ms + 7 * 3_600_000).getUTCHours();
        // Act
        const inside = inLocalWindow(ts, window, TZ);
        const type = evaluate(rule, undefined, obs({ ts, value: 30 }), TZ).effect.type;
        // Assert
        expect(inside).toBe(localHour >= 22 || localHour < 5);
        expect(type).toBe(inside ? 'open' : 'none');
      }),
    );
  });
});

describe('threshold edges', () => {
  const judge = (op: string, limit: number, value: number) =>
    evaluate(thresholdRule({ op, value: limit }), undefined, obs({ source: 'aq-dn-001', kind: 'pm25', value }), TZ).effect.type;

  it.each([
    ['>', 150, 150, 'none'],
    ['>', 150, 150.01, 'open'],
    ['>=', 150, 150, 'open'],
    ['>=', 150, 149.99, 'none'],
    ['<', 0.5, 0.5, 'none'],
    ['<', 0.5, 0.49, 'open'],
    ['<=', 0.5, 0.5, 'open'],
    ['<=', 0.5, 0.51, 'none'],
  ])('value %s %s with %s → %s', (op, limit, value, expected) => {
    // Act
    const type = judge(op, limit, value);
    // Assert
    expect(type).toBe(expected);
  });

  it('respects a threshold rule window too', () => {
    // Prepare
    const rule = thresholdRule({ window: { from: '22:00', to: '05:00' } });
    // Act
    const day = evaluate(rule, undefined, obs({ kind: 'pm25', value: 200, ts: '2026-11-25T08:00:00Z' }), TZ).effect.type;
    // Assert
    expect(day).toBe('none');
  });
});

describe('sustain', () => {
  const t0 = '2026-11-25T15:30:00.000Z';

  it('by observations: opens on the Nth consecutive match', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 3 } });
    // Act
    const { types } = run(rule, [0, 10, 20, 30].map((s) => obs({ ts: at(t0, s) })));
    // Assert
    expect(types).toEqual(['none', 'none', 'open', 'update']);
  });

  it('a non-matching observation resets the streak', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 3 } });
    const values = [20, 20, 5, 20, 20, 20];
    // Act
    const { types, effects } = run(rule, values.map((value, i) => obs({ ts: at(t0, i * 10), value })));
    // Assert
    expect(types).toEqual(['none', 'none', 'none', 'none', 'none', 'open']);
    expect(effects[2]).toEqual({ type: 'none', reason: 'no-match' });
  });

  it('by minutes: opens once the streak has lasted M minutes, not before', () => {
    // Prepare
    const rule = crowdRule({ sustain: { minutes: 2 } });
    // Act
    const { types } = run(rule, [0, 60, 119, 120, 130].map((s) => obs({ ts: at(t0, s) })));
    // Assert
    expect(types).toEqual(['none', 'none', 'none', 'open', 'update']);
  });

  it('by minutes: a break restarts the clock', () => {
    // Prepare
    const rule = crowdRule({ sustain: { minutes: 1 } });
    // Act
    const { types } = run(rule, [
      obs({ ts: at(t0, 0) }),
      obs({ ts: at(t0, 50), value: 1 }),
      obs({ ts: at(t0, 70) }),
      obs({ ts: at(t0, 100) }),
      obs({ ts: at(t0, 130) }),
    ]);
    // Assert
    expect(types).toEqual(['none', 'none', 'none', 'none', 'open']);
  });

  it('both given: both are required', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 3, minutes: 1 } });
    // Act
    const fastButFew = run(rule, [0, 60].map((s) => obs({ ts: at(t0, s) }))).types;
    const manyButShort = run(rule, [0, 10, 20, 30].map((s) => obs({ ts: at(t0, s) }))).types;
    const both = run(rule, [0, 10, 60].map((s) => obs({ ts: at(t0, s) }))).types;
    // Assert
    expect(fastButFew).toEqual(['none', 'none']);
    expect(manyButShort).toEqual(['none', 'none', 'none', 'none']);
    expect(both).toEqual(['none', 'none', 'open']);
  });

  it('a sustained crowd of 1,000 observations opens exactly once, then only updates', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 3 } });
    const stream = Array.from({ length: 1000 }, (_, i) => obs({ ts: at(t0, i * 10), value: 20 + (i % 7) }));
    // Act
    const { types, state } = run(rule, stream);
    // Assert
    expect(types.filter((t) => t === 'open')).toHaveLength(1);
    expect(types.slice(0, 3)).toEqual(['none', 'none', 'open']);
    expect(types.slice(3).every((t) => t === 'update')).toBe(true);
    expect(state.recentIds).toHaveLength(RECENT_IDS_LIMIT);
  });
});

describe('open, update, clear', () => {
  const t0 = '2026-11-25T15:30:00.000Z';
  const rule = crowdRule({ sustain: { observations: 1 } });

  it('records the incident id it opens, deterministically from the observation', () => {
    // Prepare
    const o = obs({ id: 'obs-fixed', ts: t0 });
    // Act
    const { state, effect } = evaluate(rule, undefined, o, TZ);
    // Assert
    expect(effect).toEqual({ type: 'open', incidentId: incidentIdFor('crowd-bd', 'dn-bach-dang', 'obs-fixed'), value: 20, at: t0 });
    expect(state.openIncidentId).toBe(incidentIdFor('crowd-bd', 'dn-bach-dang', 'obs-fixed'));
    expect(incidentIdFor('crowd-bd', 'dn-bach-dang', 'obs-fixed')).toMatch(/^inc-[0-9a-hjkmnp-tv-z]{13}$/);
  });

  it('emits clear once when the condition turns false while open, and again after it held again', () => {
    // Prepare
    const values = [20, 25, 3, 2, 30, 4];
    // Act
    const { types, state } = run(rule, values.map((value, i) => obs({ ts: at(t0, i * 10), value })));
    // Assert
    expect(types).toEqual(['open', 'update', 'clear', 'none', 'update', 'clear']);
    expect(state.lastClearTs).toBe(at(t0, 50));
  });

  it('an open incident absorbs matches even in the window edge minute, and clears when the window closes', () => {
    // Prepare: 04:59 and 05:00 local
    const windowed = crowdRule({ window: { from: '22:00', to: '05:00' }, sustain: { observations: 1 } });
    // Act
    const { types } = run(windowed, [obs({ ts: '2026-11-25T21:59:00Z' }), obs({ ts: '2026-11-25T22:00:00Z' })]);
    // Assert
    expect(types).toEqual(['open', 'clear']);
  });

  it('bumps the version on every change', () => {
    // Act
    const { state } = run(rule, [obs({ ts: t0 }), obs({ ts: at(t0, 10) })]);
    // Assert
    expect(state.version).toBe(2);
  });

  it('refuses a state that belongs to another rule or subject', () => {
    // Prepare
    const foreign = initialRuleState('other-rule', 'dn-bach-dang');
    // Act
    const act = () => evaluate(rule, foreign, obs(), TZ);
    // Assert
    expect(act).toThrow(RangeError);
  });

  it('a disabled rule has no effect and leaves the state alone', () => {
    // Prepare
    const disabled = crowdRule({ enabled: false, sustain: { observations: 1 } });
    const state = initialRuleState('crowd-bd', 'dn-bach-dang');
    // Act
    const r = evaluate(disabled, state, obs(), TZ);
    // Assert
    expect(r).toEqual({ state, effect: { type: 'none', reason: 'disabled' } });
  });
});

describe('crowd sum over cameras', () => {
  const t0 = '2026-11-25T15:30:00.000Z';
  const rule = crowdRule({ minPeople: 15, sustain: { observations: 1 } });

  it('sums each camera latest count: 8 + 9 opens with 17 though neither camera alone reaches 15', () => {
    // Act
    const { effects } = run(rule, [
      obs({ source: 'cam-dn-001', ts: t0, value: 8 }),
      obs({ source: 'cam-dn-002', ts: at(t0, 30), value: 9 }),
    ]);
    // Assert
    expect(effects[0]).toMatchObject({ type: 'none' });
    expect(effects[1]).toMatchObject({ type: 'open', value: 17 });
  });

  it('uses only the latest count of each camera', () => {
    // Act
    const { effects } = run(rule, [
      obs({ source: 'cam-dn-001', ts: t0, value: 14 }),
      obs({ source: 'cam-dn-001', ts: at(t0, 10), value: 2 }),
      obs({ source: 'cam-dn-002', ts: at(t0, 20), value: 9 }),
    ]);
    // Assert
    expect(effects.map((e) => e.type)).toEqual(['none', 'none', 'none']);
  });

  it('counts another camera exactly 2 minutes old, but not 2 minutes and 1 second old', () => {
    // Prepare
    const first = obs({ source: 'cam-dn-001', ts: t0, value: 8 });
    const state = evaluate(rule, undefined, first, TZ).state;
    // Act
    const fresh = evaluate(rule, state, obs({ source: 'cam-dn-002', ts: at(t0, CROWD_FRESHNESS_MS / 1000), value: 9 }), TZ);
    const stale = evaluate(rule, state, obs({ source: 'cam-dn-002', ts: at(t0, CROWD_FRESHNESS_MS / 1000 + 1), value: 9 }), TZ);
    // Assert
    expect(fresh.effect).toMatchObject({ type: 'open', value: 17 });
    expect(stale.effect).toEqual({ type: 'none', reason: 'no-match' });
    expect(Object.keys(stale.state.latestBySource)).toEqual(['cam-dn-002']);
  });
});

describe('cooldown', () => {
  const t0 = '2026-11-25T15:30:00.000Z';
  const rule = crowdRule({ sustain: { observations: 1 }, cooldownMinutes: 30 });

  it('opens nothing until cooldownUntil after a close, then opens again', () => {
    // Prepare
    const opened = run(rule, [obs({ ts: t0 })]).state;
    const closed = onIncidentClosed(opened, at(t0, 60), rule);
    // Act
    const { types, effects } = run(rule, [obs({ ts: at(t0, 120) }), obs({ ts: at(t0, 60 + 30 * 60 - 1) }), obs({ ts: at(t0, 60 + 30 * 60) })], closed);
    // Assert
    expect(closed).toMatchObject({ openIncidentId: null, cooldownUntil: at(t0, 60 + 30 * 60), version: opened.version + 1 });
    expect(types).toEqual(['none', 'none', 'open']);
    expect(effects[0]).toEqual({ type: 'none', reason: 'cooldown' });
  });

  it('a zero cooldown lets the next match open at once', () => {
    // Prepare
    const noCooldown = crowdRule({ sustain: { observations: 1 }, cooldownMinutes: 0 });
    const closed = onIncidentClosed(run(noCooldown, [obs({ ts: t0 })]).state, at(t0, 5), noCooldown);
    // Act
    const { types } = run(noCooldown, [obs({ ts: at(t0, 10) })], closed);
    // Assert
    expect(types).toEqual(['open']);
  });
});

describe('redelivery and late observations', () => {
  const t0 = '2026-11-25T15:30:00.000Z';

  it('a redelivered observation returns the same state and no effect', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 2 } });
    const o = obs({ ts: t0 });
    const first = evaluate(rule, undefined, o, TZ);
    // Act
    const again = evaluate(rule, first.state, o, TZ);
    // Assert
    expect(again.state).toBe(first.state);
    expect(again.effect).toEqual({ type: 'none', reason: 'duplicate' });
    expect(first.state.streakCount).toBe(1);
  });

  it('property: delivering any sequence twice (whole or each record twice) gives the same effects as once', () => {
    // Prepare
    const rule = crowdRule({ minPeople: 10, sustain: { observations: 2 }, window: { from: '22:00', to: '05:00' } });
    const step = fc.record({ gap: fc.integer({ min: -120, max: 300 }), value: fc.integer({ min: 0, max: 20 }), camera: fc.constantFrom('cam-a1', 'cam-a2') });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: RECENT_IDS_LIMIT }), (steps) => {
        let ms = Date.parse('2026-11-25T14:50:00Z');
        const stream = steps.map((s, i) => {
          ms += s.gap * 1000;
          return obs({ id: `o-${i}`, source: s.camera, ts: new Date(ms).toISOString(), value: s.value });
        });
        const significant = (effects: RuleEffect[]) => effects.filter((e) => e.type !== 'none');
        // Act
        const once = run(rule, stream);
        const wholeTwice = run(rule, [...stream, ...stream]);
        const eachTwice = run(rule, stream.flatMap((o) => [o, o]));
        // Assert
        expect(significant(wholeTwice.effects)).toEqual(significant(once.effects));
        expect(wholeTwice.types.slice(stream.length).every((t) => t === 'none')).toBe(true);
        expect(significant(eachTwice.effects)).toEqual(significant(once.effects));
        expect(wholeTwice.state).toEqual(once.state);
      }),
    );
  });

  it('keeps only the last RECENT_IDS_LIMIT ids', () => {
    // Prepare
    const rule = thresholdRule();
    const stream = Array.from({ length: RECENT_IDS_LIMIT + 5 }, (_, i) => obs({ id: `r-${i}`, kind: 'pm25', source: 'aq-dn-001', ts: at(t0, i), value: 1 }));
    // Act
    const { state } = run(rule, stream);
    // Assert
    expect(state.recentIds).toEqual(stream.slice(5).map((o) => o.id));
  });

  it('a late observation does not move the streak', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 3 } });
    const { state } = run(rule, [obs({ ts: at(t0, 10) }), obs({ ts: at(t0, 20) })]);
    // Act: an older matching one, then an older non-matching one
    const lateMatch = evaluate(rule, state, obs({ ts: at(t0, 0) }), TZ);
    const lateMiss = evaluate(rule, lateMatch.state, obs({ ts: at(t0, 5), value: 0 }), TZ);
    const next = evaluate(rule, lateMiss.state, obs({ ts: at(t0, 30) }), TZ);
    // Assert
    expect(lateMatch.effect).toEqual({ type: 'none', reason: 'late' });
    expect(lateMiss.effect).toEqual({ type: 'none', reason: 'late' });
    expect(lateMiss.state).toMatchObject({ streakCount: 2, streakStartTs: at(t0, 10), lastObservationTs: at(t0, 20) });
    expect(next.effect.type).toBe('open');
  });

  it('a late matching observation updates an open incident, judged at its own time; a late miss does not clear it', () => {
    // Prepare: open at 22:01 local; late ones from 21:59 (outside the window) and 22:00:30
    const rule = crowdRule({ sustain: { observations: 1 }, window: { from: '22:00', to: '05:00' } });
    const { state } = run(rule, [obs({ ts: '2026-11-25T15:01:00Z' })]);
    // Act
    const lateOutside = evaluate(rule, state, obs({ ts: '2026-11-25T14:59:00Z', value: 40 }), TZ);
    const lateInside = evaluate(rule, lateOutside.state, obs({ ts: '2026-11-25T15:00:30Z', value: 40 }), TZ);
    const lateMiss = evaluate(rule, lateInside.state, obs({ ts: '2026-11-25T15:00:40Z', value: 0 }), TZ);
    // Assert
    expect(lateOutside.effect).toEqual({ type: 'none', reason: 'late' });
    expect(lateInside.effect).toEqual({ type: 'update', incidentId: state.openIncidentId, value: 40, at: '2026-11-25T15:00:30.000Z' });
    expect(lateMiss.effect).toEqual({ type: 'none', reason: 'late' });
  });

  it('an observation with the same timestamp as the last one is in order', () => {
    // Prepare
    const rule = crowdRule({ sustain: { observations: 2 } });
    // Act
    const { types } = run(rule, [obs({ source: 'cam-a1', ts: t0, value: 20 }), obs({ source: 'cam-a2', ts: t0, value: 20 })]);
    // Assert
    expect(types).toEqual(['none', 'open']);
  });
});

describe('stale sources', () => {
  const now = '2026-11-25T16:00:00.000Z';
  const since = '2026-11-01T00:00:00.000Z';

  it('finds sources silent for afterMinutes or more, counting never-seen ones from since', () => {
    // Prepare
    const rule = staleRule({ afterMinutes: 30 });
    const lastSeen = {
      'cam-dn-001': '2026-11-25T15:30:00.000Z', // exactly 30 min
      'cam-dn-002': '2026-11-25T15:30:01.000Z', // 29 min 59 s
      'aq-dn-001': '2026-11-25T10:00:00.000Z',
    };
    // Act
    const found = evaluateStale(rule, lastSeen, now, ['cam-dn-001', 'cam-dn-002', 'aq-dn-001', 'aq-dn-002'], since);
    // Assert
    expect(found).toEqual([
      { source: 'aq-dn-001', silentSince: '2026-11-25T10:00:00.000Z', silentMinutes: 360, neverSeen: false },
      { source: 'aq-dn-002', silentSince: since, silentMinutes: 24 * 1440 + 16 * 60, neverSeen: true },
      { source: 'cam-dn-001', silentSince: '2026-11-25T15:30:00.000Z', silentMinutes: 30, neverSeen: false },
    ]);
  });

  it('a rule with a source watches that source only; a disabled rule finds nothing', () => {
    // Prepare
    const lastSeen = { 'aq-dn-001': '2026-11-25T10:00:00.000Z' };
    const sources = ['aq-dn-001', 'aq-dn-002'];
    // Act
    const one = evaluateStale(staleRule({ source: 'aq-dn-001' }), lastSeen, now, sources, since);
    const off = evaluateStale(staleRule({ enabled: false }), lastSeen, now, sources, since);
    // Assert
    expect(one.map((f) => f.source)).toEqual(['aq-dn-001']);
    expect(off).toEqual([]);
  });

  it('a never-seen source just after the start is not stale yet', () => {
    // Act
    const found = evaluateStale(staleRule(), {}, '2026-11-01T00:29:00.000Z', ['aq-dn-001'], since);
    // Assert
    expect(found).toEqual([]);
  });

  it('sweepStale opens once per silence, clears when the source is heard again, and respects cooldown', () => {
    // Prepare
    const rule = staleRule({ cooldownMinutes: 30 });
    const finding = { source: 'aq-dn-001', silentSince: '2026-11-25T15:00:00.000Z', silentMinutes: 60, neverSeen: false };
    // Act
    const first = sweepStale(rule, undefined, 'aq-dn-001', finding, now);
    const second = sweepStale(rule, first.state, 'aq-dn-001', finding, at(now, 300));
    const back = sweepStale(rule, second.state, 'aq-dn-001', undefined, at(now, 600));
    const quiet = sweepStale(rule, back.state, 'aq-dn-001', undefined, at(now, 900));
    const closed = onIncidentClosed(quiet.state, at(now, 1200), rule);
    const againSoon = sweepStale(rule, closed, 'aq-dn-001', finding, at(now, 1500));
    const againLater = sweepStale(rule, againSoon.state, 'aq-dn-001', finding, at(now, 1200 + 30 * 60));
    // Assert
    expect(first.effect).toMatchObject({ type: 'open', value: 60, at: now });
    expect(first.state.openIncidentId).toBe((first.effect as { incidentId: string }).incidentId);
    expect(second.effect).toEqual({ type: 'none', reason: 'still-silent' });
    expect(second.state).toBe(first.state);
    expect(back.effect).toEqual({ type: 'clear', incidentId: first.state.openIncidentId, at: at(now, 600) });
    expect(quiet.effect.type).toBe('none');
    expect(quiet.state).toBe(back.state);
    expect(againSoon.effect).toEqual({ type: 'none', reason: 'cooldown' });
    expect(againLater.effect.type).toBe('open');
  });
});

// Keep the Rule import honest: every fixture is a valid config rule.
it('fixtures parse as config rules', () => {
  // Act
  const rules: Rule[] = [crowdRule(), thresholdRule(), staleRule()];
  // Assert
  expect(rules.map((r) => r.kind)).toEqual(['crowd', 'threshold', 'stale']);
});
