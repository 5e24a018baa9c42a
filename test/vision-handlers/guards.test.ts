// The analyzer's cost guards, each decision counted: active hours, adaptive sampling, change gating, the daily cap.
import { DetectLabelsCommand, type DetectLabelsResponse } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { frameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { utcDay } from '../../lambdas/shared/adapters/usage-counter.ts';
import { drainQueue } from '../helpers/aws.ts';
import { CROWD, TINY_PNG, framesEvent, nightScene, putObject, rekognitionFixture, unguarded, visionRegistry, visionWorld } from '../helpers/vision.ts';


const noPeople = rekognitionFixture<DetectLabelsResponse>('detect-labels-no-people');
const sixPeople = rekognitionFixture<DetectLabelsResponse>('detect-labels-people-outside-roi'); // 6 in a full-frame ROI
const T0 = Date.parse('2026-11-25T15:30:00Z'); // 22:30 in Da Nang

type World = Awaited<ReturnType<typeof visionWorld>>;

/** Uploads a frame of `camera` taken `offsetSeconds` after T0 and runs the analyzer on it 2 s later. */
async function frameAt(w: World, camera: string, offsetSeconds: number, image: Uint8Array, ext: 'jpg' | 'png' = 'jpg') {
  const taken = new Date(T0 + offsetSeconds * 1000);
  const key = frameKey(camera, taken, ext);
  await putObject(w.bucket, key, image, ext === 'png' ? 'image/png' : 'image/jpeg');
  w.clock.now = () => new Date(taken.getTime() + 2_000);
  const before = (await w.observations()).length;
  const res = await w.analyze(framesEvent(w.bucket, [key]));
  expect(res.batchItemFailures).toEqual([]);
  const outcome = w.log.lines.filter((l) => l.msg === 'frame decided' && l.extra.key === key).at(-1)?.extra.outcome;
  return { key, outcome, observation: (await w.observations()).slice(before)[0] };
}

describe('guards', () => {
  it('outside active hours: the frame is stored and its arrival recorded, but not analysed', async () => {
    // Prepare: cam-dn-001 is active 18:00-06:00 local; 05:00 UTC is noon in Da Nang
    const w = await visionWorld();
    const key = frameKey('cam-dn-001', new Date('2026-11-25T05:00:00Z'), 'jpg', '01234567');
    await putObject(w.bucket, key, nightScene());
    w.clock.now = () => new Date('2026-11-25T05:00:02Z');

    // Act
    await w.analyze(framesEvent(w.bucket, [key], { eventTime: '2026-11-25T05:00:01.000Z' }));

    // Assert
    expect(w.rek).not.toHaveReceivedCommand(DetectLabelsCommand);
    expect(await w.observations()).toEqual([]);
    expect(w.metrics.counts.FramesSkippedInactiveHours).toBe(1);
    expect((await w.stores.usage.get('2026-11-25')).outcomes).toMatchObject({ inactiveHours: 1, analysed: 0 });
    // Arrival is the analyzer's clock, not S3's eventTime (the local province's S3 stamps wall-clock time).
    expect(await w.stores.state.get('cam-dn-001')).toMatchObject({ lastFrameKey: key, lastFrameAt: '2026-11-25T05:00:02.000Z' });
  });

  it('the active-hours guard switched off for a camera: a noon frame is analysed', async () => {
    // Prepare
    const w = await visionWorld({ registry: visionRegistry([{ id: 'cam-dn-001', zone: 'dn-bach-dang', activeHours: { from: '18:00', to: '06:00' }, guards: { activeHours: false, changeGating: true, adaptiveSampling: true } }]) });
    w.rek.on(DetectLabelsCommand).resolves(noPeople);
    const key = frameKey('cam-dn-001', new Date('2026-11-25T05:00:00Z'), 'jpg');
    await putObject(w.bucket, key, nightScene());

    // Act
    await w.analyze(framesEvent(w.bucket, [key]));

    // Assert
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 1);
    expect(w.metrics.counts.FramesAnalysed).toBe(1);
  });

  it('adaptive sampling: far below the zone threshold (15) the camera is analysed 6x less often, nearer it 3x', async () => {
    // Prepare: cam-a (zone dn-bach-dang, crowd rule minPeople 15), only adaptive sampling on; cam-b with it off
    const w = await visionWorld({
      registry: visionRegistry([
        unguarded('cam-a', 'dn-bach-dang', { guards: { activeHours: false, changeGating: false, adaptiveSampling: true } }),
        unguarded('cam-b', 'dn-bach-dang'),
      ]),
    });
    w.rek.on(DetectLabelsCommand).resolvesOnce(noPeople).resolvesOnce(sixPeople).resolves(noPeople);
    const img = nightScene();

    // Act: 0 people → ×6 (60 s); 6 people (< 50 % of 15) → ×3 (30 s)
    const decisions = [];
    for (const t of [0, 5, 20, 60, 80, 90]) decisions.push((await frameAt(w, 'cam-a', t, img)).outcome);
    const unguardedDecision = [(await frameAt(w, 'cam-b', 0, img)).outcome, (await frameAt(w, 'cam-b', 20, img)).outcome];

    // Assert
    expect(decisions).toEqual(['analysed', 'too-soon', 'adaptive-skip', 'analysed', 'adaptive-skip', 'analysed']);
    expect(unguardedDecision).toEqual(['analysed', 'analysed']);
    expect(w.metrics.counts).toMatchObject({ FramesAnalysed: 5, FramesSkippedAdaptive: 2, FramesSkippedTooSoon: 1 });
    expect((await w.stores.usage.get('2026-11-25')).outcomes).toMatchObject({ analysed: 5, adaptiveSkip: 2, tooSoon: 1 });
  });

  it('change gating: an unchanged frame carries the last analysed count without a call; a changed or old one is analysed', async () => {
    // Prepare: only change gating on
    const w = await visionWorld({ registry: visionRegistry([unguarded('cam-g', 'dn-bach-dang', { guards: { activeHours: false, changeGating: true, adaptiveSampling: false } })]) });
    w.rek.on(DetectLabelsCommand).resolvesOnce(noPeople).resolves(sixPeople);

    // Act: empty street, the same street with other sensor noise, a crowd, the crowd again, the crowd 6 min later
    const first = await frameAt(w, 'cam-g', 0, nightScene({ noise: 3, seed: 1 }));
    const same = await frameAt(w, 'cam-g', 10, nightScene({ noise: 3, seed: 2 }));
    const crowd = await frameAt(w, 'cam-g', 20, nightScene({ noise: 3, seed: 3, figures: CROWD }));
    const crowdAgain = await frameAt(w, 'cam-g', 30, nightScene({ noise: 3, seed: 4, figures: CROWD }));
    const crowdLater = await frameAt(w, 'cam-g', 400, nightScene({ noise: 3, seed: 5, figures: CROWD }));

    // Assert
    expect([first, same, crowd, crowdAgain, crowdLater].map((f) => f.outcome)).toEqual(['analysed', 'carried', 'analysed', 'carried', 'analysed']);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 3);
    expect(same.observation).toMatchObject({ value: 0, ts: '2026-11-25T15:30:10.000Z', data: { carried: true, carriedFrom: first.key, frameKey: same.key } });
    expect(crowdAgain.observation).toMatchObject({ value: 6, data: { carried: true, carriedFrom: crowd.key } });
    expect(crowdLater.observation).toMatchObject({ value: 6, data: { carried: false } });
    expect(w.metrics.counts).toMatchObject({ FramesCarried: 2, FramesAnalysed: 3 });
    expect((await w.stores.usage.get('2026-11-25')).outcomes).toMatchObject({ carried: 2, analysed: 3 });
    expect(await w.stores.state.get('cam-g')).toMatchObject({ lastAnalysedKey: crowdLater.key, lastObservedCount: 6, lastCarried: false });
  });

  it('change gating passes a PNG frame (no signature) to Rekognition', async () => {
    // Prepare
    const w = await visionWorld({ registry: visionRegistry([unguarded('cam-p', 'dn-bach-dang', { guards: { activeHours: false, changeGating: true, adaptiveSampling: false } })]) });
    w.rek.on(DetectLabelsCommand).resolves(noPeople);

    // Act
    const a = await frameAt(w, 'cam-p', 0, TINY_PNG, 'png');
    const b = await frameAt(w, 'cam-p', 10, TINY_PNG, 'png');

    // Assert
    expect([a.outcome, b.outcome]).toEqual(['analysed', 'analysed']);
    expect((await w.stores.state.get('cam-p'))!.signature).toBeNull();
  });

  it('the daily cap: frames over it are counted as capped and the first refusal of the day sends one notice', async () => {
    // Prepare: cap 2, five cameras in two batches
    const cams = ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5'];
    const w = await visionWorld({ registry: visionRegistry(cams.map((c) => unguarded(c))), dailyCap: 2 });
    w.rek.on(DetectLabelsCommand).resolves(noPeople);
    const keys = cams.map((c) => frameKey(c, new Date(T0), 'jpg'));
    await Promise.all(keys.map((k) => putObject(w.bucket, k, nightScene())));

    // Act
    await w.analyze(framesEvent(w.bucket, keys.slice(0, 3)));
    await w.analyze(framesEvent(w.bucket, keys.slice(3)));

    // Assert
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 2);
    const usage = await w.stores.usage.get(utcDay(w.clock.now()));
    expect(usage).toMatchObject({ calls: 2, outcomes: { analysed: 2, capped: 3 } });
    expect(usage.capReachedAt).toBeDefined();
    expect(w.metrics.counts).toMatchObject({ FramesCapped: 3, RekognitionCapReached: 1 });
    const notices = await drainQueue(w.ops.queueUrl);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.Subject).toBe('[da-nang] Rekognition daily cap reached (2 calls, 2026-11-25 UTC)');
    expect(notices[0]!.Message).toContain('Đã dùng hết hạn mức phân tích ảnh Rekognition');
    expect(notices[0]!.Message).toContain('26/11/2026 07:00');
  });

  it('a notice SNS did not take is sent by the next refusal instead', async () => {
    // Prepare: cap 0; the first publish fails
    const w = await visionWorld({ registry: visionRegistry([unguarded('cam-1'), unguarded('cam-2')]), dailyCap: 0 });
    const real = w.deps.notices;
    let calls = 0;
    (w.deps as { notices: typeof real }).notices = {
      publish: async (n) => {
        calls += 1;
        if (calls === 1) throw new Error('SNS unavailable');
        return real.publish(n);
      },
    };
    const keys = ['cam-1', 'cam-2'].map((c) => frameKey(c, new Date(T0), 'jpg'));
    await Promise.all(keys.map((k) => putObject(w.bucket, k, nightScene())));

    // Act
    await w.analyze(framesEvent(w.bucket, [keys[0]!]));
    await w.analyze(framesEvent(w.bucket, [keys[1]!]));

    // Assert
    expect(calls).toBe(2);
    expect(await drainQueue(w.ops.queueUrl)).toHaveLength(1);
    expect(w.rek).not.toHaveReceivedCommand(DetectLabelsCommand);
  });

  it('holds the cap under concurrent invocations: 20 frames at once with a cap of 5 make exactly 5 DetectLabels calls', async () => {
    // Prepare: 20 cameras, one frame each, 20 invocations in parallel
    const cams = Array.from({ length: 20 }, (_, i) => `cam-c${String(i).padStart(2, '0')}`);
    const w = await visionWorld({ registry: visionRegistry(cams.map((c) => unguarded(c))), dailyCap: 5 });
    w.rek.on(DetectLabelsCommand).resolves(noPeople);
    const keys = cams.map((c) => frameKey(c, new Date(T0), 'jpg'));
    await Promise.all(keys.map((k) => putObject(w.bucket, k, nightScene())));

    // Act
    const responses = await Promise.all(keys.map((k) => w.analyze(framesEvent(w.bucket, [k]))));

    // Assert
    expect(responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 5);
    expect(await w.stores.usage.get(utcDay(w.clock.now()))).toMatchObject({ calls: 5, outcomes: { analysed: 5, capped: 15 } });
    expect(await w.observations()).toHaveLength(5);
    expect(await drainQueue(w.ops.queueUrl)).toHaveLength(1);
  });
});
