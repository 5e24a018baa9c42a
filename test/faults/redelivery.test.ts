// Fault: the stream delivers the same batches again (three times), and a Lambda environment dies mid-batch and the
// batch is delivered again. Expected: the province ends exactly as after one clean delivery — no observation, rollup,
// incident, audit entry or alert lost or duplicated.
import type { KinesisStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrashingProcess } from '../helpers/fault-dynamo.ts';
import { deliver, nightRecords, streamProvince, type StreamSnapshot } from '../helpers/fault-stream.ts';

const BATCH = 50;
/** The record whose arrival makes the crowd sustained (the third count of 20): the batch holding it opens the incident. */
const OPENING = `cam-dn-001-${Date.parse('2026-11-25T15:35:20Z') / 1000}`;
const holdsOpening = (e: KinesisStreamEvent) => e.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString().includes(`"${OPENING}"`));
let golden: StreamSnapshot;

/** The reference: one clean delivery of the night. */
beforeAll(async () => {
  const p = await streamProvince();
  const h = p.handler();
  const { givenUp } = await deliver(nightRecords(), BATCH, (e) => h(e));
  expect(givenUp).toEqual([]);
  golden = await p.snapshot();
  // The night has one crowd: one incident, opened once, one alert; every reading stored.
  expect(Object.keys(golden.incidents)).toHaveLength(1);
  expect(Object.values(golden.alerts)).toEqual([['opened']]);
  expect(Object.keys(golden.observations)).toHaveLength(nightRecords().length);
}, 60_000);

describe('redelivery', () => {
  /** Each batch delivered three times in a row (a function error after the writes, twice). */
  async function eachBatchThrice() {
    const p = await streamProvince();
    const h = p.handler();
    const records = nightRecords();
    for (let i = 0; i < records.length; i += BATCH) {
      const event: KinesisStreamEvent = { Records: records.slice(i, i + BATCH) };
      for (let k = 0; k < 3; k++) expect((await h(event)).batchItemFailures).toEqual([]);
    }
    return p.snapshot();
  }

  it('every batch delivered three times in a row: no observation, rollup, incident, audit entry or alert lost or duplicated', async () => {
    // Act
    const s = await eachBatchThrice();

    // Assert
    expect(s.observations).toEqual(golden.observations);
    expect(s.rollups).toEqual(golden.rollups);
    expect(Object.keys(s.incidents)).toHaveLength(1);
    expect(Object.values(s.audits)).toEqual([['open']]);
    expect(Object.values(s.alerts)).toEqual([['opened']]);
    const [incident] = Object.values(s.incidents) as Array<{ observationCount: number; peakValue: number; clearSince: string }>;
    const [reference] = Object.values(golden.incidents) as Array<{ observationCount: number; peakValue: number; clearSince: string }>;
    expect(incident!.peakValue).toBe(reference!.peakValue);
    expect(incident!.clearSince).toBe(reference!.clearSince);
  });

  // Was a bug (fixed in lambdas/shared/domain/rules.ts): a redelivered batch carrying more than RECENT_IDS_LIMIT (20)
  // observations of one (rule, subject) pushed its older, "late" ids into `recentIds`, evicting the newest ones, so
  // the redelivered observation whose ts equals `lastObservationTs` extended the streak a second time. Late ids are
  // no longer remembered.
  it('every batch delivered three times in a row: the incident opens at the same observation as after one delivery', async () => {
    const s = await eachBatchThrice();
    expect(s.incidents).toEqual(golden.incidents);
    expect(s.alerts).toEqual(golden.alerts);
  });

  it('the whole stream replayed twice more from TRIM_HORIZON: the same state as one delivery', async () => {
    // Prepare
    const p = await streamProvince();
    const h = p.handler();

    // Act
    for (let k = 0; k < 3; k++) expect((await deliver(nightRecords(), BATCH, (e) => h(e))).givenUp).toEqual([]);

    // Assert
    const s = await p.snapshot();
    expect(s.observations).toEqual(golden.observations);
    expect(s.rollups).toEqual(golden.rollups);
    expect(s.incidents).toEqual(golden.incidents);
    expect(s.audits).toEqual(golden.audits);
    expect(s.alerts).toEqual(golden.alerts);
  });

  // Where the environment dies, counted in the calls of the invocation of the batch that opens the incident.
  const crashes: Array<{ name: string; before?: (cmd: string, n: number) => boolean; after?: (cmd: string, n: number) => boolean; sweep?: boolean }> = [
    // 50 observations are two BatchWriteItem calls of 25: die before the second one.
    { name: 'after writing half of a batch of observations', before: (cmd, n) => cmd === 'BatchWriteCommand' && n === 2 },
    // Observations and rollups written; the first rule-state read never happens.
    { name: 'after the observations and rollups, before the rules', before: (cmd) => cmd === 'GetCommand' },
    // The incident, its rule state and audit entry are committed; the alert is not published yet (it stays pending).
    { name: 'after the incident is committed, before its alert is published', after: (cmd) => cmd === 'TransactWriteCommand', sweep: true },
  ];

  for (const c of crashes) {
    it(`a crash ${c.name}, then the batch delivered again: the same state as one delivery`, async () => {
      // Prepare: one environment that dies at that point; the retries run in a fresh one (as Lambda does)
      const p = await streamProvince();
      const dying = new CrashingProcess(c.before, c.after);
      const wrapped = { db: dying.wrap(p.moto.db), sqs: dying.wrap(p.moto.sqs), sns: dying.wrap(p.moto.sns) };
      const doomed = p.handler(wrapped);
      const fresh = p.handler();
      const invoke = (e: KinesisStreamEvent) => (!dying.crashed && holdsOpening(e) ? dying.invoke(() => doomed(e)) : fresh(e));

      // Act
      const { givenUp, invocations } = await deliver(nightRecords(), BATCH, invoke);

      // Assert: it did die, nothing was given up, and the state is the clean one
      expect(dying.crashed).toBe(true);
      expect(givenUp).toEqual([]);
      expect(invocations).toBeGreaterThan(Math.ceil(nightRecords().length / BATCH));
      let s = await p.snapshot();
      if (c.sweep) {
        // The alert was never published by the dead environment: it waits in the outbox for the sweep, not lost.
        const [id] = Object.keys(s.incidents);
        expect(s.alerts).toEqual({});
        expect((s.incidents[id!] as { pendingAlert: unknown }).pendingAlert).toMatchObject({ event: 'opened' });
        const report = await p.sweep('2026-11-25T15:37:05Z');
        expect(report.alertsRetried).toBe(1);
        await p.sweep('2026-11-25T15:38:10Z'); // a second sweep sends nothing more
        s = await p.snapshot();
      }
      expect(s.observations).toEqual(golden.observations);
      expect(s.rollups).toEqual(golden.rollups);
      expect(s.incidents).toEqual(golden.incidents);
      expect(s.audits).toEqual(golden.audits);
      expect(s.alerts).toEqual(golden.alerts);
    });
  }

  it('the injected crash stops every later request of the dead environment', async () => {
    // A check of the injection itself: dying before the 2nd BatchWriteItem of 50 observations leaves exactly 25.
    const p = await streamProvince();
    const dying = new CrashingProcess((cmd, n) => cmd === 'BatchWriteCommand' && n === 2);
    const h = p.handler({ db: dying.wrap(p.moto.db), sqs: p.moto.sqs, sns: p.moto.sns });
    await expect(dying.invoke(() => h({ Records: nightRecords().slice(0, 50) }))).rejects.toThrow('died');
    await new Promise((r) => setTimeout(r, 200));
    expect(Object.keys((await p.snapshot()).observations)).toHaveLength(25);
    expect(dying.calls).toEqual({ BatchWriteCommand: 2 });
  });
});
