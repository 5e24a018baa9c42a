// Fault: Rekognition answers ~30 % of DetectLabels calls with ThrottlingException or InternalServerError (mocked with
// aws-sdk-client-mock), and SQS redelivers the failed messages, as the frames queue would after its visibility timeout.
// Expected: every frame eventually analysed, none lost, none double-counted — one observation per frame with the count
// Rekognition gave, stored once by the stream processor, and one daily-cap unit per frame however often it was retried.
import { DetectLabelsCommand, InternalServerError, ThrottlingException, type DetectLabelsCommandInput, type DetectLabelsResponse } from '@aws-sdk/client-rekognition';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { frameObservationId } from '../../lambdas/analyze-frame/analyze-frame.ts';
import { frameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { utcDay } from '../../lambdas/shared/adapters/usage-counter.ts';
import { readStreamAsEvent } from '../helpers/aws.ts';
import { seededRandom } from '../helpers/fault-dynamo.ts';
import { streamProvince } from '../helpers/fault-stream.ts';
import { framesEvent, unguarded, visionRegistry, visionWorld } from '../helpers/vision.ts';

const CAMERAS = ['cam-a', 'cam-b', 'cam-c'];
const FRAMES = 6;
const START = Date.parse('2026-11-25T15:30:00Z');
const meta = { $metadata: {} };

/** The people Rekognition "sees" in a frame: 0–6, fixed per key. */
const truth = (key: string) => [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 7;

function answer(key: string): DetectLabelsResponse {
  const n = truth(key);
  const instances = Array.from({ length: n }, (_, i) => ({ BoundingBox: { Left: 0.05 + i * 0.13, Top: 0.5, Width: 0.06, Height: 0.3 }, Confidence: 95 }));
  return { Labels: n ? [{ Name: 'Person', Confidence: 95, Instances: instances, Parents: [] }] : [], LabelModelVersion: '3.0' };
}

describe('Rekognition throttling and 5xx', () => {
  it('~30 % of DetectLabels calls fail: every frame analysed once, one observation and one cap unit per frame', async () => {
    // Prepare: three cameras with every guard off (each frame is due), six frames each, 10 s apart
    const w = await visionWorld({ registry: visionRegistry(CAMERAS.map((id) => unguarded(id))), now: () => new Date(START + 120_000) });
    const keys = CAMERAS.flatMap((c) => Array.from({ length: FRAMES }, (_, i) => frameKey(c, new Date(START + i * 10_000), 'jpg', `0000000${i}`)));
    const rand = seededRandom(42);
    let failures = 0;
    w.rek.on(DetectLabelsCommand).callsFake(async (input: DetectLabelsCommandInput) => {
      if (rand() < 0.3) {
        failures++;
        throw failures % 2 ? new ThrottlingException({ message: 'Rate exceeded', ...meta }) : new InternalServerError({ message: 'Internal server error', ...meta });
      }
      return answer(input.Image!.S3Object!.Name!);
    });

    // Act: batches of 10 messages (the mapping's batch size); failed messages come back on a later receive
    let queue: SQSRecord[] = framesEvent(w.bucket, keys).Records;
    let rounds = 0;
    while (queue.length > 0 && rounds < 20) {
      rounds++;
      const again: SQSRecord[] = [];
      for (let i = 0; i < queue.length; i += 10) {
        const batch: SQSEvent = { Records: queue.slice(i, i + 10) };
        const res = await w.analyze(batch);
        const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
        for (const r of batch.Records) {
          if (failed.has(r.messageId)) again.push({ ...r, attributes: { ...r.attributes, ApproximateReceiveCount: String(Number(r.attributes.ApproximateReceiveCount) + 1) } });
        }
      }
      queue = again;
    }

    // Assert: faults happened and were retried until every frame went through
    expect(failures).toBeGreaterThan(3);
    expect(queue).toEqual([]);
    expect(rounds).toBeGreaterThan(1);
    expect(w.rek.commandCalls(DetectLabelsCommand)).toHaveLength(keys.length + failures);
    // One observation per frame (a retried frame re-emits the same id and content), with Rekognition's count
    const observations = await w.observations();
    const byId = new Map<string, Set<string>>();
    for (const o of observations) (byId.get(o.id) ?? byId.set(o.id, new Set()).get(o.id)!).add(JSON.stringify(o));
    expect([...byId.keys()].sort()).toEqual(keys.map(frameObservationId).sort());
    expect([...byId.values()].every((versions) => versions.size === 1)).toBe(true);
    for (const key of keys) expect(observations.find((o) => o.id === frameObservationId(key))!.value).toBe(truth(key));
    // One cap unit per frame: retries of a pending frame do not take another
    const usage = await w.stores.usage.get(utcDay(new Date(START + 120_000)));
    expect(usage.calls).toBe(keys.length);
    // The stream processor stores each frame's count once
    const p = await streamProvince({ registry: w.registry });
    expect((await p.handler()(await readStreamAsEvent(w.streamName))).batchItemFailures).toEqual([]);
    for (const c of CAMERAS) {
      const stored = (await p.itemsOf(c)).filter((i) => String(i.sk).startsWith('O#'));
      expect(stored).toHaveLength(FRAMES);
    }
  }, 60_000);
});
