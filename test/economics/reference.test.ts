// The benchmark's reference province, and the estimator's inventory of functions and alarms against the stack.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadProvinceConfig } from '../../lib/config/load.ts';
import { ProvinceStack } from '../../lib/province-stack.ts';
import { REFERENCE, referenceCost, referenceProvince } from '../../lib/economics/reference.ts';
import { alarmCount, functionsOf } from '../../lib/economics/workload.ts';
import { prices } from './fixtures.ts';

describe('reference province', () => {
  it('is a valid config of the benchmark shape', () => {
    const c = referenceProvince();
    expect(c.cameras).toHaveLength(REFERENCE.cameras);
    expect(c.sensors).toHaveLength(REFERENCE.sensors);
    expect(new Set(c.cameras.map((x) => x.intervalSeconds))).toEqual(new Set([10]));
    expect(c.cameras.every((x) => x.activeHours?.from === '18:00' && x.activeHours.to === '06:00')).toBe(true);
    expect(c.cameras.every((x) => x.guards.changeGating && x.guards.adaptiveSampling && x.guards.activeHours)).toBe(true);
  });

  it('continuous: every night frame analysed, 6.48 M images, about $5,000 of Rekognition', () => {
    const r = referenceCost(prices);
    expect(r.continuousImagesPerMonth).toBe(6_480_000);
    // 1 M × 0.001 + 4 M × 0.0008 + 1.48 M × 0.0006
    const rekognition = r.continuous.lines.filter((l) => l.service === 'Rekognition').reduce((s, l) => s + l.usd, 0);
    expect(rekognition).toBeCloseTo(5088, 6);
    expect(r.continuousProvinceMonthUsd).toBeGreaterThan(5088);
  });

  it('with guards costs less in proportion to the savings, and the deployed cap bounds it further', () => {
    const r = referenceCost(prices, { savings: { adaptiveSampling: 0.8, changeGating: 0.8 }, savingsSource: 'test' });
    expect(r.imagesPerMonth).toBe(6_480_000 * 0.2 * 0.2);
    expect(r.provinceMonthUsd).toBeLessThan(r.continuousProvinceMonthUsd);
    expect(r.savingsSource).toBe('test');
    // $300 budget → 8,000 images a day; the guards want 8,640
    expect(r.framesCappedPerMonth).toBe((8640 - 8000) * 30);
    expect(r.cappedProvinceMonthUsd).toBeLessThan(r.provinceMonthUsd);
  });
});

describe('inventory', () => {
  const synth = (code: string) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const config = loadProvinceConfig(`provinces/${code}.json`);
    const stack = new ProvinceStack(app, `SmartCity-${code}`, { config, env: { account: '111111111111', region: config.region } });
    return { config, template: Template.fromStack(stack) };
  };

  it.each(['da-nang', 'hue', 'can-tho'])('%s: the functions and alarms the estimate prices are the ones the stack creates', (code) => {
    const { config, template } = synth(code);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (r) => (r.Properties?.Tags as Array<{ Key: string }> | undefined)?.some((t) => t.Key === 'Province'),
    );
    expect(functions).toHaveLength(functionsOf(config).length);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(alarmCount(config));
  }, 60_000);
});
