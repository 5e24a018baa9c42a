// The cost estimator against hand-computed examples: images, tiers, shards, the cap, knobs, the budget warning.
import { describe, expect, it } from 'vitest';
import { estimateMonthlyCost, whatIf, type CostEstimate } from '../../lib/economics/estimate.ts';
import { PriceBook, applyTiers, parsePriceFile } from '../../lib/economics/prices.ts';
import { rekognitionDailyCap } from '../../lib/constructs/vision.ts';
import { workloadOf, resolveOptions, windowMinutes } from '../../lib/economics/workload.ts';
import { camera, crowdProvince, prices, sensorProvince } from './fixtures.ts';

const usdOf = (e: CostEstimate, service: string, item?: string) =>
  e.lines.filter((l) => l.service === service && (!item || l.item.startsWith(item))).reduce((s, l) => s + l.usd, 0);
const rekognitionTiers = prices.prices.find((p) => p.id === 'rekognition.image.detectLabels')!.tiers!;

describe('Rekognition images', () => {
  it('one camera, 10 s, 12 h, 30 days: 129,600 images → $129.60', () => {
    // Prepare: guards off, a budget whose derived cap (80% of $100,000 / 30 / $0.001) cannot bind.
    const config = crowdProvince([camera('cam-1')]);

    // Act
    const e = estimateMonthlyCost(config, prices);

    // Assert
    expect(e.volumes.framesUploaded).toBe(129_600);
    expect(e.volumes.imagesAnalysed).toBe(129_600);
    expect(usdOf(e, 'Rekognition', 'DetectLabels')).toBeCloseTo(129.6, 6);
    const line = e.lines.find((l) => l.item.startsWith('DetectLabels'))!;
    expect(line).toMatchObject({ quantity: 129_600, unit: 'image', unitPrice: 0.001 });
  });

  it('prices the tiers across the month: 1.2 M images → 1 M × $0.001 + 0.2 M × $0.0008 = $1,160', () => {
    expect(applyTiers(1_200_000, rekognitionTiers).map((t) => [t.quantity, t.usd])).toEqual([
      [1_000_000, 1000],
      [200_000, 160],
    ]);
    // 10 cameras, 9 s, 10 h a day: 4,000 images a day each, 1.2 M a month together.
    const config = crowdProvince(Array.from({ length: 10 }, (_, i) => camera(`cam-${i + 1}`, { intervalSeconds: 9, activeHours: { from: '20:00', to: '06:00' } })));
    const e = estimateMonthlyCost(config, prices);
    expect(e.volumes.imagesAnalysed).toBe(1_200_000);
    const tiers = e.lines.filter((l) => l.item.startsWith('DetectLabels'));
    expect(tiers.map((l) => [l.quantity, l.unitPrice])).toEqual([
      [1_000_000, 0.001],
      [200_000, 0.0008],
    ]);
    expect(usdOf(e, 'Rekognition', 'DetectLabels')).toBeCloseTo(1160, 6);
  });

  it('stops exactly at a tier boundary and prices every tier above it', () => {
    expect(applyTiers(1_000_000, rekognitionTiers)).toHaveLength(1);
    expect(applyTiers(1_000_001, rekognitionTiers)).toHaveLength(2);
    // 1 M × 0.001 + 4 M × 0.0008 + 30 M × 0.0006 + 5 M × 0.00025
    expect(applyTiers(40_000_000, rekognitionTiers).reduce((s, t) => s + t.usd, 0)).toBeCloseTo(23_450, 6);
    expect(applyTiers(0, rekognitionTiers)).toEqual([]);
  });

  it('the daily cap limits the images: 4,320 wanted a day, cap 1,000 → 30,000 a month, the rest refused and warned', () => {
    const config = crowdProvince([camera('cam-1')], { budget: { monthlyUsd: 100_000, rekognitionDailyCap: 1000 } });
    const e = estimateMonthlyCost(config, prices);
    expect(e.volumes.dailyCap).toBe(1000);
    expect(e.volumes.imagesAnalysed).toBe(30_000);
    expect(e.volumes.framesCapped).toBe(129_600 - 30_000);
    expect(usdOf(e, 'Rekognition', 'DetectLabels')).toBeCloseTo(30, 6);
    expect(e.warnings.join('\n')).toMatch(/daily Rekognition cap \(1,000\/day\) refuses about 3,320 frames a day/);
  });

  it('derives the cap from the budget as the stack does when none is set', () => {
    const config = crowdProvince([camera('cam-1')], { budget: { monthlyUsd: 60 } });
    const e = estimateMonthlyCost(config, prices);
    expect(e.volumes.dailyCap).toBe(rekognitionDailyCap(config));
    expect(e.volumes.dailyCap).toBe(1600); // floor(0.8 × 60 / 30 / 0.001)
    expect(e.volumes.imagesAnalysed).toBe(48_000);
  });

  it('clip minutes take their cap units first (100 a minute) and are priced per minute', () => {
    const config = crowdProvince([camera('cam-1')], { budget: { monthlyUsd: 100_000, rekognitionDailyCap: 1000 } });
    const e = estimateMonthlyCost(config, prices, { clipMinutesPerMonth: 30 }); // 1 minute a day = 100 units
    expect(e.volumes.imagesAnalysed).toBe(27_000);
    expect(usdOf(e, 'Rekognition', 'Video')).toBeCloseTo(3, 6);
  });
});

describe('guards', () => {
  it('applies active hours from the config, then the adaptive and gating shares in order', () => {
    const config = crowdProvince([camera('cam-1', { guards: { activeHours: true, changeGating: true, adaptiveSampling: true } })]);
    const w = workloadOf(config, resolveOptions({ savings: { adaptiveSampling: 0.5, changeGating: 0.8 }, uploadsOutsideActiveHours: true }));
    // 8,640 frames a day uploaded; 4,320 outside 18:00–06:00; half the rest skipped; 80% of what is left carried.
    expect(w.frames.uploaded).toBe(259_200);
    expect(w.frames.inactive).toBe(129_600);
    expect(w.frames.adaptiveSkip).toBe(64_800);
    expect(w.frames.carried).toBeCloseTo(51_840, 6);
    expect(w.frames.analysed).toBeCloseTo(12_960, 6);
  });

  it('samples a camera whose zone has no crowd rule at 1/6 of the rate', () => {
    const config = crowdProvince([camera('cam-1', { guards: { activeHours: true, changeGating: false, adaptiveSampling: true } })], { rules: [] });
    const e = estimateMonthlyCost(config, prices);
    expect(e.volumes.imagesAnalysed).toBe(129_600 / 6);
  });

  it('counts window minutes across midnight and treats equal ends as all day', () => {
    expect(windowMinutes({ from: '22:00', to: '05:00' })).toBe(420);
    expect(windowMinutes({ from: '06:00', to: '18:30' })).toBe(750);
    expect(windowMinutes({ from: '00:00', to: '00:00' })).toBe(1440);
    expect(windowMinutes(undefined)).toBe(1440);
  });
});

describe('stream, sensors, budget', () => {
  it('provisioned: 1 shard for 730 h at $0.015 = $10.95, plus a PUT payload unit per record', () => {
    const e = estimateMonthlyCost(sensorProvince(10), prices);
    const shard = e.lines.find((l) => l.price.startsWith('kinesis.provisioned.shardHour'))!;
    expect(shard).toMatchObject({ quantity: 730, unitPrice: 0.015 });
    expect(shard.usd).toBeCloseTo(10.95, 6);
    // 10 sensors × 1/min × 1,440 × 30 = 432,000 records
    expect(e.volumes.sensorReadings).toBe(432_000);
    const put = e.lines.find((l) => l.price.startsWith('kinesis.provisioned.putPayloadUnits'))!;
    expect(put.quantity).toBe(432_000);
    expect(put.usd).toBeCloseTo(0.432 * 0.014, 6);
  });

  it('on-demand: a stream-hour for 730 h and data in and out, each record rounded up to 1 KB', () => {
    const e = estimateMonthlyCost(sensorProvince(10, { stream: { capacityMode: 'on-demand' } }), prices);
    expect(e.lines.find((l) => l.price.startsWith('kinesis.onDemand.streamHour'))!.usd).toBeCloseTo(29.2, 6);
    const dataIn = e.lines.find((l) => l.price.startsWith('kinesis.onDemand.dataIn'))!;
    expect(dataIn.quantity).toBeCloseTo((432_000 * 1024) / 1024 ** 3, 3);
    expect(e.lines.some((l) => l.price.startsWith('kinesis.provisioned'))).toBe(false);
  });

  it('writes one item per observation and a rollup per batch that touches a source bucket', () => {
    const config = sensorProvince(10);
    const asBuilt = workloadOf(config, resolveOptions());
    const once = workloadOf(config, resolveOptions({ rollups: 'per-bucket' }));
    expect(asBuilt.dynamodb.observationWrites).toBe(432_000);
    // readings a minute apart land in different 1-s batches: five recomputes per 5-min bucket
    expect(asBuilt.dynamodb.rollupWrites).toBeCloseTo(432_000, 0);
    expect(once.dynamodb.rollupWrites).toBeCloseTo(10 * (30 * 1440) / 5, 0);
  });

  it('sensors posting to the API pay per request, authorizer and ingest call; through the stream they do not', () => {
    const api = estimateMonthlyCost(sensorProvince(100), prices);
    const batched = estimateMonthlyCost(sensorProvince(100), prices, { sensorReadingsPerRequest: 5 });
    const stream = estimateMonthlyCost(sensorProvince(100), prices, { sensorPath: 'stream' });
    expect(usdOf(api, 'API Gateway')).toBeGreaterThan(usdOf(batched, 'API Gateway'));
    expect(usdOf(batched, 'API Gateway')).toBeGreaterThan(usdOf(stream, 'API Gateway'));
    expect(api.totalUsd).toBeGreaterThan(batched.totalUsd);
    expect(batched.totalUsd).toBeGreaterThan(stream.totalUsd);
  });

  it('warns when the estimate exceeds the budget, and not when it does not', () => {
    const over = estimateMonthlyCost(crowdProvince([camera('cam-1')], { budget: { monthlyUsd: 50, rekognitionDailyCap: 10_000 } }), prices);
    expect(over.budget).toMatchObject({ monthlyUsd: 50, over: true });
    expect(over.budget.share).toBeGreaterThan(1);
    expect(over.warnings[0]).toMatch(/^the estimate \(\$\d+\.\d\d\) exceeds the budget \(\$50\.00 a month, budget\.monthlyUsd\) by \d+%$/);

    const under = estimateMonthlyCost(sensorProvince(1), prices);
    expect(under.budget.over).toBe(false);
    expect(under.warnings.some((w) => w.includes('exceeds the budget'))).toBe(false);
  });

  it('warns when one shard cannot carry the peak, or devices exceed the API rate limit', () => {
    const e = estimateMonthlyCost(sensorProvince(5000, { budget: { monthlyUsd: 100_000 } }), prices, { sensorReadingsPerMinute: 15 });
    expect(e.warnings.join('\n')).toMatch(/peak stream load \(1,250 records\/s\) exceeds 1 shard/);
    expect(e.warnings.join('\n')).toMatch(/over the API's rate limit \(api\.rateLimit 50\/s\)/);
  });

  it('totals are the sum of the lines, by service and in VND at the file rate', () => {
    const e = estimateMonthlyCost(crowdProvince([camera('cam-1')]), prices);
    expect(e.totalUsd).toBeCloseTo(e.lines.reduce((s, l) => s + l.usd, 0), 6);
    expect(e.byService.reduce((s, x) => s + x.usd, 0)).toBeCloseTo(e.totalUsd, 5);
    expect(e.totalVnd).toBe(Math.round(e.totalUsd * prices.exchange.vndPerUsd));
    expect(e.byService[0]!.service).toBe('Rekognition');
  });
});

describe('free tier and regions', () => {
  it('leaves free tiers out unless asked, then subtracts them per line', () => {
    const config = sensorProvince(10);
    const plain = estimateMonthlyCost(config, prices);
    const free = estimateMonthlyCost(config, prices, { freeTier: true });
    const lambda = (e: CostEstimate) => e.lines.find((l) => l.price.startsWith('lambda.requests'))!;
    expect(lambda(plain).note).toMatch(/free tier not applied \(1 million requests a month/);
    expect(lambda(free).quantity).toBeCloseTo(lambda(plain).quantity - 1_000_000, 2);
    expect(lambda(free).note).toMatch(/free tier applied/);
    expect(free.totalUsd).toBeLessThan(plain.totalUsd);
  });

  it("uses the province region's line when the file has one, us-east-1 otherwise, and says which", () => {
    const withSingapore = parsePriceFile({
      ...prices,
      prices: [...prices.prices, { ...prices.prices.find((p) => p.id === 'kinesis.provisioned.shardHour')!, region: 'ap-southeast-1', usd: 0.018 }],
    });
    const e = estimateMonthlyCost(sensorProvince(1), withSingapore);
    const shard = e.lines.find((l) => l.price.startsWith('kinesis.provisioned.shardHour'))!;
    expect(shard).toMatchObject({ price: 'kinesis.provisioned.shardHour@ap-southeast-1', unitPrice: 0.018 });
    expect(shard.fallback).toBeUndefined();
    const lambda = e.lines.find((l) => l.price.startsWith('lambda.requests'))!;
    expect(lambda).toMatchObject({ price: 'lambda.requests@us-east-1', fallback: true });
    expect(new PriceBook(withSingapore, 'ap-southeast-1').get('sns.sms.vietnam').line.region).toBe('global');
  });
});

describe('whatIf', () => {
  const config = crowdProvince([camera('cam-1', { guards: { activeHours: true, changeGating: true, adaptiveSampling: true } })], {
    modules: ['crowd'],
    budget: { monthlyUsd: 100_000 },
  });
  const rows = whatIf(config, prices);
  const total = (knob: string, option: string) => {
    const r = rows.find((x) => x.knob === knob && x.option.startsWith(option));
    if (!r) throw new Error(`no row ${knob} / ${option}: ${rows.map((x) => `${x.knob}/${x.option}`).join(', ')}`);
    return r;
  };

  it('marks exactly one current option per knob, with a zero delta', () => {
    const knobs = new Set(rows.map((r) => r.knob));
    for (const k of knobs) {
      const current = rows.filter((r) => r.knob === k && r.current);
      expect(current, k).toHaveLength(1);
      expect(current[0]!.deltaUsd).toBe(0);
    }
    expect([...knobs]).toEqual(expect.arrayContaining(['camera interval', 'active hours', 'change gating', 'adaptive sampling', 'daily cap', 'stream capacity']));
  });

  it('moves each knob the right way', () => {
    expect(total('camera interval', '5 s').totalUsd).toBeGreaterThan(total('camera interval', '10 s').totalUsd);
    expect(total('camera interval', '10 s').totalUsd).toBeGreaterThan(total('camera interval', '30 s').totalUsd);
    expect(total('active hours', '24 h').totalUsd).toBeGreaterThan(total('active hours', '12 h').totalUsd);
    expect(total('change gating', 'off').totalUsd).toBeGreaterThan(total('change gating', 'on').totalUsd);
    expect(total('adaptive sampling', 'off').totalUsd).toBeGreaterThan(total('adaptive sampling', 'on').totalUsd);
    expect(total('stream capacity', 'on-demand').totalUsd).toBeGreaterThan(total('stream capacity', 'provisioned').totalUsd);
    expect(total('tracing (X-Ray)', 'off').deltaUsd).toBeLessThan(0);
    expect(total('change gating', 'off').imagesPerMonth).toBeGreaterThan(total('change gating', 'on').imagesPerMonth);
  });

  it('a tighter cap costs less and refuses frames; no cap costs at least as much', () => {
    const capped = whatIf(crowdProvince([camera('cam-1')], { budget: { monthlyUsd: 100_000, rekognitionDailyCap: 2000 } }), prices);
    const now = capped.find((r) => r.knob === 'daily cap' && r.current)!;
    const none = capped.find((r) => r.knob === 'daily cap' && r.option === 'none')!;
    const half = capped.find((r) => r.knob === 'daily cap' && r.option === '1,000/day')!;
    expect(none.totalUsd).toBeGreaterThan(now.totalUsd);
    expect(half.totalUsd).toBeLessThan(now.totalUsd);
    expect(half.framesCappedPerMonth).toBeGreaterThan(now.framesCappedPerMonth);
    expect(none.framesCappedPerMonth).toBe(0);
  });
});
