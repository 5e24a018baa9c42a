// Camera routes of the operator API against moto: list and read with health, the latest frame link, versioned edits.
import { describe, expect, it } from 'vitest';
import { cameraHealth } from '../../lambdas/operator-api/routes/cameras.ts';
import { frameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { claimsFor } from '../helpers/province.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { nightScene, putObject, visionOperatorApi, visionRegistry } from '../helpers/vision.ts';

const operator = claimsFor('hoa', 'operator');
const supervisor = claimsFor('minh', 'supervisor');
const NOW = new Date('2026-11-25T16:00:00Z'); // 23:00 in Da Nang: the cameras' active hours

describe('GET /cameras, GET /cameras/{id}', () => {
  it('lists the cameras of the config with version 0 and their health; a camera never heard from is offline at night', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });

    // Act
    const res = await p.call('GET /cameras', { claims: operator });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { camera: { id: string } }) => c.camera.id)).toEqual(['cam-dn-001', 'cam-dn-002']);
    expect(res.body.items[0]).toMatchObject({
      version: 0,
      origin: 'config',
      camera: { zone: 'dn-bach-dang', intervalSeconds: 10, minConfidence: 80, activeHours: { from: '18:00', to: '06:00' } },
      health: { lastFrameAt: null, lastAnalysedAt: null, rejectedCount: 0, activeNow: true, offline: true },
    });
  });

  it('reads one camera with its health and a 60-second link to the latest analysed frame with its boxes', async () => {
    // Prepare: a frame analysed 8 s ago, a later frame received 5 s ago, one rejected frame
    const p = await visionOperatorApi({ now: () => NOW });
    const analysed = frameKey('cam-dn-001', new Date(NOW.getTime() - 8_000), 'jpg', 'aaaaaaaa');
    const image = nightScene({ seed: 9 });
    await putObject(p.bucket, analysed, image);
    await p.vision.state.recordFrame('cam-dn-001', { key: analysed, takenAt: new Date(NOW.getTime() - 8_000).toISOString(), receivedAt: '2026-11-25T15:59:55.000Z' });
    await p.vision.state.recordAnalysis('cam-dn-001', {
      key: analysed,
      takenAt: new Date(NOW.getTime() - 8_000).toISOString(),
      signature: null,
      count: 2,
      boxes: [
        [0.1, 0.5, 0.05, 0.2],
        [0.4, 0.5, 0.05, 0.2],
      ],
      confidence: 97.5,
    });
    await p.vision.state.recordRejected('cam-dn-001', { key: 'frames/cam-dn-001/x.jpg', reason: 'InvalidImageFormatException: bad', at: '2026-11-25T15:50:00.000Z' });

    // Act
    const res = await p.call('GET /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: operator });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.health).toMatchObject({ lastFrameAt: '2026-11-25T15:59:55.000Z', lastAnalysedAt: '2026-11-25T15:59:52.000Z', lastCount: 2, rejectedCount: 1, offline: false });
    expect(res.body.latestFrame).toMatchObject({ key: analysed, count: 2, confidence: 97.5, takenAt: '2026-11-25T15:59:52.000Z', expiresAt: '2026-11-25T16:01:00.000Z' });
    expect(res.body.latestFrame.boxes).toHaveLength(2);
    const url = new URL(res.body.latestFrame.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.pathname).toBe(`/${p.bucket}/${analysed}`);
    const download = await fetch(res.body.latestFrame.url);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(image);
  });

  it('has no latest frame before the first analysis, and answers 404 for an unknown camera', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });

    // Act
    const fresh = await p.call('GET /cameras/{id}', { pathParameters: { id: 'cam-dn-002' }, claims: operator });
    const unknown = await p.call('GET /cameras/{id}', { pathParameters: { id: 'cam-zz-404' }, claims: operator });

    // Assert
    expect(fresh.body.latestFrame).toBeNull();
    expect(unknown.status).toBe(404);
  });

  it('never gives a frame link to a caller outside the operator groups', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });

    // Act
    const guest = await p.call('GET /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: claimsFor('khach', 'viewers') });
    const anonymous = await p.call('GET /cameras/{id}', { pathParameters: { id: 'cam-dn-001' } });

    // Assert
    expect(guest.status).toBe(403);
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify([guest.body, anonymous.body])).not.toContain('X-Amz-Signature');
  });

  it('offline: active hours and no frame for 3 intervals; never offline outside active hours', () => {
    // Prepare
    const camera = visionRegistry().cameras[0]!; // interval 10 s, active 18:00-06:00
    const state = { cameraId: camera.id, lastFrameAt: '2026-11-25T15:59:30.000Z' };

    // Act / Assert
    expect(cameraHealth(camera, state, new Date('2026-11-25T15:59:59Z'), 'Asia/Ho_Chi_Minh').offline).toBe(false);
    expect(cameraHealth(camera, state, new Date('2026-11-25T16:00:01Z'), 'Asia/Ho_Chi_Minh').offline).toBe(true);
    expect(cameraHealth(camera, state, new Date('2026-11-26T05:00:00Z'), 'Asia/Ho_Chi_Minh')).toMatchObject({ activeNow: false, offline: false });
  });
});

describe('PUT /cameras/{id}', () => {
  const edited = (over: Record<string, unknown> = {}) => ({
    ...visionRegistry().cameras[0]!,
    roi: [
      [0.1, 0.4],
      [0.9, 0.4],
      [0.9, 0.95],
      [0.1, 0.95],
    ],
    intervalSeconds: 15,
    ...over,
  });

  it('stores a supervisor edit as version 1, seen by the list and by the analyzer store; a stale version answers 409', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });

    // Act
    const first = await p.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: supervisor, body: { camera: edited(), expectedVersion: 0 } });
    const stale = await p.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: supervisor, body: { camera: edited({ intervalSeconds: 30 }), expectedVersion: 0 } });
    const list = await p.call('GET /cameras', { claims: operator });

    // Assert
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, origin: 'edited', updatedBy: 'minh', updatedAt: NOW.toISOString(), camera: { intervalSeconds: 15 } });
    expect(stale).toMatchObject({ status: 409, body: { error: 'conflict', current: { version: 1 } } });
    expect(list.body.items[0]).toMatchObject({ version: 1, camera: { intervalSeconds: 15, roi: edited().roi } });
    expect(await p.vision.cameras.get('cam-dn-001')).toMatchObject({ version: 1, camera: { intervalSeconds: 15 } });
  });

  it('applies the config defaults to an edit (guards, confidence) like the config schema', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });
    const { guards: _g, minConfidence: _m, ...bare } = edited();

    // Act
    const res = await p.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: supervisor, body: { camera: bare, expectedVersion: 0 } });

    // Assert
    expect(res.body.camera).toMatchObject({ minConfidence: 80, guards: { activeHours: true, changeGating: true, adaptiveSampling: true } });
  });

  it('answers 400 naming the field: another id, an unknown zone, a self-crossing ROI, a schema violation', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });
    const put = (camera: unknown) => p.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: supervisor, body: { camera, expectedVersion: 0 } });
    const bowtie = [
      [0.1, 0.1],
      [0.9, 0.9],
      [0.9, 0.1],
      [0.1, 0.9],
    ];

    // Act
    const results = await Promise.all([
      put(edited({ id: 'cam-dn-002' })),
      put(edited({ zone: 'hn-hoan-kiem' })),
      put(edited({ roi: bowtie })),
      put(edited({ intervalSeconds: 0 })),
      put(edited({ faceRecognition: true })),
    ]);

    // Assert
    expect(results.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(results.map((r) => r.body.problems[0].path)).toEqual(['$.camera.id', '$.camera.zone', '$.camera.roi', '$.camera.intervalSeconds', '$.camera']);
    expect(await p.vision.cameras.get('cam-dn-001')).toMatchObject({ version: 0 });
  });

  it('answers 403 to operators and 404 for a camera outside the config', async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW });

    // Act
    const byOperator = await p.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: operator, body: { camera: edited(), expectedVersion: 0 } });
    const unknown = await p.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-new-01' }, claims: supervisor, body: { camera: edited({ id: 'cam-new-01' }), expectedVersion: 0 } });

    // Assert
    expect(byOperator).toMatchObject({ status: 403, body: { required: 'supervisor' } });
    expect(unknown.status).toBe(404);
  });
});

describe('GET /vision/usage and the module wiring', () => {
  it("reports a day's calls against the cap and each guard's decisions", async () => {
    // Prepare
    const p = await visionOperatorApi({ now: () => NOW, dailyCap: 50 });
    await p.vision.usage.tryConsume('2026-11-25', 3, 50);
    for (const o of ['analysed', 'analysed', 'analysed', 'carried', 'inactiveHours', 'capped'] as const) await p.vision.usage.count('2026-11-25', o);

    // Act
    const today = await p.call('GET /vision/usage', { claims: operator });
    const other = await p.call('GET /vision/usage', { claims: operator, query: { date: '2026-11-24' } });
    const bad = await p.call('GET /vision/usage', { claims: operator, query: { date: '24/11/2026' } });

    // Assert
    expect(today.body).toMatchObject({ date: '2026-11-25', cap: 50, calls: 3, remaining: 47, frames: 6, outcomes: { analysed: 3, carried: 1, inactiveHours: 1, capped: 1 } });
    expect(other.body).toMatchObject({ date: '2026-11-24', calls: 0, remaining: 50 });
    expect(bad).toMatchObject({ status: 400, body: { problems: [{ path: 'date' }] } });
  });

  it('answers 503 on the camera routes of an operator API built without the vision stores', async () => {
    // Prepare
    const p = await motoOperatorApi();

    // Act
    const res = await p.call('GET /cameras', { claims: operator });

    // Assert
    expect(res).toMatchObject({ status: 503, body: { error: 'unavailable' } });
  });
});

describe('camera state', () => {
  it('moves forward only: a late frame changes neither the gating reference nor the last observation', async () => {
    // Prepare: analysed at 15:30:00, carried at 15:30:30
    const p = await visionOperatorApi({ now: () => NOW });
    const analysis = (takenAt: string, count: number) => ({ key: `frames/cam-dn-001/${takenAt}.jpg`, takenAt, signature: null, count, boxes: [], confidence: null });
    await p.vision.state.recordAnalysis('cam-dn-001', analysis('2026-11-25T15:30:00.000Z', 3));
    await p.vision.state.recordCarried('cam-dn-001', { takenAt: '2026-11-25T15:30:30.000Z', count: 3 });

    // Act: a frame taken at 15:30:20 is analysed late; an older carried frame arrives last
    const late = await p.vision.state.recordAnalysis('cam-dn-001', analysis('2026-11-25T15:30:20.000Z', 9));
    const older = await p.vision.state.recordCarried('cam-dn-001', { takenAt: '2026-11-25T15:30:10.000Z', count: 3 });

    // Assert
    expect([late, older]).toEqual([false, false]);
    expect(await p.vision.state.get('cam-dn-001')).toMatchObject({ lastAnalysedAt: '2026-11-25T15:30:00.000Z', lastCount: 3, lastObservedAt: '2026-11-25T15:30:30.000Z', lastCarried: true });
  });
});
