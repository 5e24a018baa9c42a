// The pricing file's schema, and reading measured guard savings from benchmark results.
import { describe, expect, it } from 'vitest';
import { PriceFileError, parsePriceFile } from '../../lib/economics/prices.ts';
import { NoSavingsError, savingsFromResults } from '../../lib/economics/savings.ts';
import { prices } from './fixtures.ts';

describe('pricing file', () => {
  it('every line names its region, source page and date', () => {
    for (const p of prices.prices) {
      expect(p.region, p.id).toMatch(/^(us-east-1|ap-southeast-1|global)$/);
      expect(p.source, p.id).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(p.asOf, p.id).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
    const ids = new Set(prices.prices.map((p) => p.id.split('.')[0]));
    expect([...ids].sort()).toEqual(
      ['apigateway', 'cloudfront', 'cloudwatch', 'cognito', 'dynamodb', 'kinesis', 'kms', 'lambda', 'rekognition', 's3', 'sns', 'sqs', 'xray'].sort(),
    );
    expect(prices.prices.find((p) => p.id === 'sns.sms.vietnam')).toMatchObject({ assumption: true, usd: 0.08 });
  });

  it('refuses a line without a source, a price given twice, tiers out of order, a repeated id', () => {
    const line = prices.prices.find((p) => p.id === 'kms.key')!;
    const bad = (patch: Record<string, unknown>, extra: unknown[] = []) => () =>
      parsePriceFile({ ...prices, prices: [{ ...line, ...patch }, ...extra] }, 'pricing/test.json');
    expect(bad({ source: undefined })).toThrow(PriceFileError);
    expect(bad({ source: undefined })).toThrow(/pricing\/test\.json: invalid pricing file\n {2}\$\.prices\[0\]\.source: expected/);
    expect(bad({ tiers: [{ usd: 1 }] })).toThrow(/\$\.prices\[0\]\.usd: expected exactly one of "usd" or "tiers"/);
    expect(bad({ usd: undefined, tiers: [{ upTo: 10, usd: 1 }, { upTo: 5, usd: 0.5 }, { usd: 0.1 }] })).toThrow(/tiers\[1\]\.upTo: expected an upper bound above the previous tier's \(10\)/);
    expect(bad({}, [line])).toThrow(/one line per id and region, "kms\.key@us-east-1" is repeated/);
    expect(bad({ region: 'mars' })).toThrow(/\$\.prices\[0\]\.region: expected an AWS region/);
  });
});

describe('savings from benchmark results', () => {
  it("turns the benchmark's shares of all frames into each guard's share of the frames reaching it", () => {
    // of 100 frames: 20 outside active hours, 40 skipped by sampling, 30 carried, 10 analysed
    const m = savingsFromResults({ rekognition: { savingsByGuard: { activeHours: 0.2, adaptiveSampling: 0.4, changeGating: 0.3 } } });
    expect(m.source).toBe('measured (bench/results.json)');
    expect(m.savings.adaptiveSampling).toBeCloseTo(0.5, 9); // 40 of 80
    expect(m.savings.changeGating).toBeCloseTo(0.75, 9); // 30 of 40
    expect(savingsFromResults({ rekognition: { savingsByGuard: { adaptiveSampling: 0.6, changeGating: 0.4 } } }).savings).toEqual({ adaptiveSampling: 0.6, changeGating: 1 });
  });

  it("reads the Rekognition benchmark's own output too", () => {
    expect(savingsFromResults({ savingsByGuard: { activeHours: 0, adaptiveSampling: 0.5, changeGating: 0.25 } }).savings).toEqual({ adaptiveSampling: 0.5, changeGating: 0.5 });
  });

  it("derives shares from the analyser's counters", () => {
    const { savings } = savingsFromResults({ rekognition: { savingsByGuard: { adaptiveSkip: 600, carried: 300, analysed: 100 } } });
    expect(savings.adaptiveSampling).toBeCloseTo(0.6, 9);
    expect(savings.changeGating).toBeCloseTo(0.75, 9);
  });

  it('says what is missing or wrong', () => {
    expect(() => savingsFromResults({ rekognition: {} }, 'r.json')).toThrow(new NoSavingsError('r.json has no rekognition.savingsByGuard yet (run npm run bench)'));
    expect(() => savingsFromResults({ rekognition: { savingsByGuard: { adaptiveSampling: 2, changeGating: 0 } } })).toThrow(/shares between 0 and 1/);
    expect(() => savingsFromResults({ rekognition: { savingsByGuard: { adaptiveSampling: 0.7, changeGating: 0.5 } } })).toThrow(/add up to more than 1/);
  });
});
