// The simulated night: a crowd above each crowd rule after 22:00 local that disperses, sensor baselines and one switchable episode.
import { describe, expect, it } from 'vitest';
import { pointInPolygon, type Polygon } from '../../lambdas/shared/domain/geometry.ts';
import { localMinuteOfDay } from '../../lambdas/shared/domain/time.ts';
import { cameraView, crowdPlans, episodePlan, localInstant, sensorReading, type ScenarioOptions } from '../../local/simulator/scenario.ts';
import type { ProvinceConfig } from '../../lib/config/schema.ts';
import { sampleConfig } from '../helpers/province.ts';

const MIN = 60_000;
const daNang = sampleConfig('da-nang');
const night = (config: ProvinceConfig, hhmm: string, date = '2026-12-01') =>
  localInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), config.timezone);

/** The ROI count every 10 simulated seconds of [from, to). */
function roiCounts(config: ProvinceConfig, cameraId: string, from: number, to: number, o: ScenarioOptions = {}) {
  const out: Array<{ t: number; n: number }> = [];
  for (let t = from; t < to; t += 10_000) out.push({ t, n: cameraView(config, cameraId, t, o).inRoi });
  return out;
}

describe('scenario: crowds', () => {
  for (const cameraId of ['cam-dn-001', 'cam-dn-002']) {
    it(`${cameraId}: quiet evening, then a crowd at or above the rule's minPeople after 22:00 for 20-40 minutes, then back below`, () => {
      // Prepare
      const camera = daNang.cameras.find((c) => c.id === cameraId)!;
      const rule = daNang.rules.find((r) => r.kind === 'crowd' && r.zone === camera.zone) as { minPeople: number };

      // Act
      const evening = roiCounts(daNang, cameraId, night(daNang, '18:00'), night(daNang, '22:00'));
      const late = roiCounts(daNang, cameraId, night(daNang, '22:00'), night(daNang, '02:00', '2026-12-02'));

      // Assert
      expect(Math.max(...evening.map((c) => c.n))).toBeLessThanOrEqual(4);
      const above = late.filter((c) => c.n >= rule.minPeople);
      expect(above.length).toBeGreaterThan(0);
      const first = above[0]!.t;
      const last = above[above.length - 1]!.t;
      expect(localMinuteOfDay(new Date(first), daNang.timezone)).toBeGreaterThanOrEqual(22 * 60);
      expect(first).toBeLessThan(night(daNang, '22:40'));
      expect((last - first) / MIN).toBeGreaterThanOrEqual(20);
      expect((last - first) / MIN).toBeLessThanOrEqual(40);
      // One continuous episode: no dip below minPeople in between, and quiet again afterwards.
      expect(above.length).toBe((last - first) / 10_000 + 1);
      expect(late.filter((c) => c.t > last + 20 * MIN).every((c) => c.n <= 4)).toBe(true); // dispersal takes at most 15 minutes
      expect(Math.max(...late.map((c) => c.n))).toBeLessThan(rule.minPeople * 1.6 + 4);
    });
  }

  it('puts crowd members inside the ROI and some passers-by outside it', () => {
    // Prepare
    const camera = daNang.cameras.find((c) => c.id === 'cam-dn-001')!;
    const roi = camera.roi as Polygon;
    const plan = crowdPlans(daNang, camera.id, night(daNang, '22:30')).find((p) => p.kind === 'night' && p.start > night(daNang, '12:00'))!;

    // Act
    let peopleOutside = 0;
    for (let t = night(daNang, '18:00'); t < night(daNang, '22:00'); t += MIN) {
      const v = cameraView(daNang, camera.id, t);
      peopleOutside += v.people.length - v.inRoi;
    }

    // Assert
    expect(plan.members.every((m) => pointInPolygon([m.box[0] + m.box[2] / 2, m.box[1] + m.box[3] / 2], roi))).toBe(true);
    expect(plan.members.every((m) => m.box.every((x) => x >= 0 && x <= 1) && m.box[0] + m.box[2] <= 1 && m.box[1] + m.box[3] <= 1)).toBe(true);
    expect(peopleOutside).toBeGreaterThan(0);
  });

  it('for any seed, plans the night crowd to start after the window opens and hold 20-32 minutes above minPeople', () => {
    for (let seed = 1; seed <= 25; seed++) {
      // Act
      const plan = crowdPlans(daNang, 'cam-dn-001', night(daNang, '22:30'), { seed }).find((p) => p.kind === 'night' && p.start > night(daNang, '12:00'))!;

      // Assert
      expect(plan.start).toBeGreaterThanOrEqual(night(daNang, '22:03'));
      expect(plan.start).toBeLessThanOrEqual(night(daNang, '22:12'));
      expect((plan.aboveUntil - plan.aboveFrom) / MIN).toBeGreaterThanOrEqual(20);
      expect((plan.aboveUntil - plan.aboveFrom) / MIN).toBeLessThanOrEqual(32);
      expect(plan.peak).toBeGreaterThan(plan.minPeople);
      expect(plan.members.filter((m) => m.join <= plan.aboveFrom && m.leave > plan.aboveFrom)).toHaveLength(plan.minPeople);
      expect(plan.members.filter((m) => m.join <= plan.aboveUntil && m.leave > plan.aboveUntil)).toHaveLength(plan.minPeople - 1);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    // Act
    const at = night(daNang, '22:20');
    const a = cameraView(daNang, 'cam-dn-001', at, { seed: 5 });
    const b = cameraView(daNang, 'cam-dn-001', at, { seed: 5 });
    const c = cameraView(daNang, 'cam-dn-001', at, { seed: 6 });
    const planA = crowdPlans(daNang, 'cam-dn-001', at, { seed: 5 });
    const planC = crowdPlans(daNang, 'cam-dn-001', at, { seed: 6 });

    // Assert
    expect(b).toEqual(a);
    expect(c.people).not.toEqual(a.people);
    expect(planC.map((p) => p.start)).not.toEqual(planA.map((p) => p.start));
  });

  it('a camera whose zone has no crowd rule only sees passers-by', () => {
    // Prepare
    const noRules = { ...daNang, rules: daNang.rules.filter((r) => r.kind !== 'crowd') };

    // Act
    const counts = roiCounts(noRules, 'cam-dn-001', night(noRules, '21:00'), night(noRules, '01:00', '2026-12-02'));

    // Assert
    expect(crowdPlans(noRules, 'cam-dn-001', night(noRules, '22:30'))).toEqual([]);
    expect(Math.max(...counts.map((c) => c.n))).toBeLessThanOrEqual(4);
  });
});

describe('scenario: sensors', () => {
  const readings = (config: ProvinceConfig, sensorId: string, o: ScenarioOptions = {}) => {
    const out: number[] = [];
    for (let t = night(config, '18:00'); t < night(config, '06:00', '2026-12-02'); t += MIN) out.push(sensorReading(config, sensorId, t, o).value);
    return out;
  };

  it('pm25 stays on a 30-60 µg/m³ baseline, with one sensor above 150 for more than the rule sustain when episodes are on', () => {
    // Act
    const on = daNang.sensors.map((s) => readings(daNang, s.id));
    const off = daNang.sensors.map((s) => readings(daNang, s.id, { episodes: false }));
    const plan = episodePlan(daNang, night(daNang, '23:00'))!;

    // Assert
    for (const series of off) {
      expect(Math.min(...series)).toBeGreaterThanOrEqual(30);
      expect(Math.max(...series)).toBeLessThanOrEqual(60);
    }
    const tripped = on.filter((series) => series.some((v) => v > 150));
    expect(tripped).toHaveLength(1);
    expect(plan).toMatchObject({ kind: 'pm25', ruleId: 'pm25-unhealthy', threshold: 150, sensors: [expect.any(String)] });
    const minutesAbove = tripped[0]!.filter((v) => v > 150).length;
    expect(minutesAbove).toBeGreaterThan(30);
    expect(minutesAbove).toBeLessThan(120);
    expect(localMinuteOfDay(new Date(plan.start), daNang.timezone) >= 23 * 60 || localMinuteOfDay(new Date(plan.start), daNang.timezone) < 2 * 60).toBe(true);
    expect(episodePlan(daNang, night(daNang, '23:00'), { episodes: false })).toBeUndefined();
  });

  it('water level rides the tide under the flood rule, and crosses it during an episode with rain before it', () => {
    // Prepare
    const hue = sampleConfig('hue');
    const canTho = sampleConfig('can-tho');

    // Act
    const hueOn = hue.sensors.map((s) => ({ s, v: readings(hue, s.id) }));
    const hueOff = hue.sensors.map((s) => ({ s, v: readings(hue, s.id, { episodes: false }) }));
    const canThoOff = canTho.sensors.map((s) => readings(canTho, s.id, { episodes: false }));
    const canThoOn = canTho.sensors.map((s) => readings(canTho, s.id));

    // Assert
    for (const { s, v } of hueOff.filter((x) => x.s.kind === 'water_level')) {
      expect(Math.min(...v), s.id).toBeGreaterThanOrEqual(1.15);
      expect(Math.max(...v), s.id).toBeLessThanOrEqual(2.0);
    }
    expect(hueOn.filter((x) => x.s.kind === 'water_level' && x.v.some((v) => v >= 3.5))).toHaveLength(1);
    expect(Math.max(...hueOn.find((x) => x.s.kind === 'rainfall')!.v)).toBeGreaterThan(20);
    expect(Math.max(...hueOff.find((x) => x.s.kind === 'rainfall')!.v)).toBeLessThan(5);
    for (const v of canThoOff) expect(Math.max(...v)).toBeLessThan(2.1 - 0.15);
    expect(canThoOn.filter((v) => v.filter((x) => x >= 2.1).length >= 2)).toHaveLength(1);
  });

  it('is deterministic for a seed', () => {
    const at = night(daNang, '23:59');
    expect(sensorReading(daNang, 'aq-dn-001', at, { seed: 9 })).toEqual(sensorReading(daNang, 'aq-dn-001', at, { seed: 9 }));
    expect(episodePlan(daNang, at, { seed: 9 })).toEqual(episodePlan(daNang, at, { seed: 9 }));
    expect(readings(daNang, 'aq-dn-002', { seed: 1 })).not.toEqual(readings(daNang, 'aq-dn-002', { seed: 2 }));
  });
});
