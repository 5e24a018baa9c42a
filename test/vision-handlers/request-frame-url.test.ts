// POST /cameras/{id}/frames: who may ask, what is validated, and a presigned PUT that uploads only what it was signed for.
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../../lambdas/request-frame-url/handler.ts';
import type { CameraIdentity } from '../../lambdas/request-frame-url/request-frame-url.ts';
import { CameraStore } from '../../lambdas/shared/adapters/camera-store.ts';
import { s3Client } from '../../lambdas/shared/adapters/clients.ts';
import { FrameStore, parseFrameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { createTable, endpoint, motoClients } from '../helpers/aws.ts';
import { httpEvent } from '../helpers/events.ts';
import { createBucket, nightScene, startSigV4Gate, visionRegistry, visionS3 } from '../helpers/vision.ts';

const camera = { deviceId: 'cam-dn-001', sourceType: 'camera', kind: 'people_count', zone: 'dn-bach-dang', unit: 'people' };
let gate: Awaited<ReturnType<typeof startSigV4Gate>>;
let bucket: string;
let call: (o: { id?: string; identity?: Record<string, string>; body?: unknown; rawBody?: string }) => Promise<{ status: number; body: any }>;

beforeAll(async () => {
  // The presigning client talks to a SigV4-checking gate in front of moto, so the URLs carry the gate's host.
  gate = await startSigV4Gate(endpoint());
  bucket = await createBucket();
  const registry = visionRegistry();
  const handler = makeHandler({
    frames: new FrameStore(s3Client({ endpoint: gate.endpoint, region: 'ap-southeast-1' }), bucket),
    cameras: new CameraStore(motoClients().db, await createTable('registry'), registry.cameras, 0),
    now: () => new Date(),
  });
  call = async ({ id = 'cam-dn-001', identity = camera, body, rawBody }) => {
    const event = httpEvent('POST /cameras/{id}/frames', { pathParameters: { id }, authorizerContext: identity, body, rawBody });
    const res = await handler(event as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<CameraIdentity>);
    return { status: res.statusCode!, body: JSON.parse(res.body!) };
  };
});
afterAll(async () => gate?.close());

const upload = (url: string, bytes: Uint8Array, contentType: string) => fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body: new Uint8Array(bytes) });
const objectsOf = async (prefix: string) =>
  ((await visionS3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);

describe('request-frame-url', () => {
  it('gives the camera a 5-minute PUT for a new key under its own prefix, with type and length signed', async () => {
    // Prepare
    const frame = nightScene();
    const taken = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const local = new Date(taken.getTime() + 7 * 3_600_000).toISOString().replace('.000Z', '+07:00'); // the camera's local clock
    const day = taken.toISOString().slice(0, 10);

    // Act
    const res = await call({ body: { contentType: 'image/jpeg', contentLength: frame.length, takenAt: local } });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/jpeg', 'content-length': String(frame.length) }, takenAt: taken.toISOString() });
    expect(res.body.key).toMatch(new RegExp(`^frames/cam-dn-001/${day.replace(/-/g, '/')}/${taken.toISOString().replace(/:/g, '-').replace('.', '\\.')}-[0-9a-f]{8}\\.jpg$`));
    expect(parseFrameKey(res.body.key)).toEqual({ cameraId: 'cam-dn-001', takenAt: taken.toISOString(), ext: 'jpg' });
    const url = new URL(res.body.url);
    expect(url.pathname).toBe(`/${bucket}/${res.body.key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(290_000);
  });

  it('the URL uploads exactly the announced frame to S3', async () => {
    // Prepare
    const frame = nightScene({ seed: 3, noise: 2 });
    const { body: ticket } = await call({ body: { contentType: 'image/jpeg', contentLength: frame.length } });

    // Act
    const res = await upload(ticket.url, frame, ticket.headers['content-type']);

    // Assert
    expect(res.status).toBe(200);
    const head = await visionS3().send(new HeadObjectCommand({ Bucket: bucket, Key: ticket.key }));
    expect(head).toMatchObject({ ContentType: 'image/jpeg', ContentLength: frame.length });
  });

  it('refuses, like S3, an upload of another content type, another size, to another key, or after expiry', async () => {
    // Prepare: one ticket per attempt
    const frame = nightScene({ seed: 4 });
    const ticket = async () => (await call({ body: { contentType: 'image/jpeg', contentLength: frame.length } })).body;
    const [t1, t2, t3] = [await ticket(), await ticket(), await ticket()];
    const otherKey = t3.url.replace('/frames/cam-dn-001/', '/frames/cam-dn-002/');

    // Act
    const wrongType = await upload(t1.url, frame, 'image/png');
    const wrongSize = await upload(t2.url, Buffer.concat([frame, Buffer.alloc(1024)]), 'image/jpeg');
    const elsewhere = await upload(otherKey, frame, 'image/jpeg');

    // Assert
    for (const res of [wrongType, wrongSize, elsewhere]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('SignatureDoesNotMatch');
    }
    expect(await objectsOf('frames/cam-dn-002/')).toEqual([]);
    for (const t of [t1, t2]) expect(await objectsOf(t.key)).toEqual([]);
  });

  it('an expired URL is refused', async () => {
    // Prepare: a gate whose clock is 301 s ahead
    const late = await startSigV4Gate(endpoint(), 'testing', () => Date.now() + 301_000);
    const store = new FrameStore(s3Client({ endpoint: late.endpoint, region: 'ap-southeast-1' }), bucket);
    const frame = nightScene();
    const { url } = await store.presignPut({ key: 'frames/cam-dn-001/2026/11/25/x.jpg', contentType: 'image/jpeg', contentLength: frame.length, expiresIn: 300, now: new Date() });

    // Act
    const res = await upload(url, frame, 'image/jpeg');
    await late.close();

    // Assert
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('AccessDenied');
  });

  it('documents the emulator: moto itself does not check presigned signatures (hence the SigV4 gate above)', async () => {
    // Prepare: a URL signed for image/jpeg, sent straight to moto
    const store = new FrameStore(visionS3(), bucket);
    const frame = nightScene();
    const { url } = await store.presignPut({ key: 'frames/cam-dn-001/moto-check.jpg', contentType: 'image/jpeg', contentLength: frame.length, expiresIn: 300, now: new Date() });

    // Act
    const res = await upload(url, frame, 'image/png');

    // Assert: accepted by moto (AWS S3 would answer 403 SignatureDoesNotMatch)
    expect(res.status).toBe(200);
  });

  it('answers 401 without a device identity, 403 to another device or a sensor, 404 for a camera not in the config', async () => {
    // Prepare
    const body = { contentType: 'image/jpeg', contentLength: 1000 };
    const registryWithout = visionRegistry([{ id: 'cam-dn-002', zone: 'dn-cau-rong' }]);
    const handler = makeHandler({ frames: new FrameStore(visionS3(), bucket), cameras: new CameraStore(motoClients().db, await createTable('registry'), registryWithout.cameras, 0), now: () => new Date() });
    const orphan = await handler(httpEvent('POST /cameras/{id}/frames', { pathParameters: { id: 'cam-dn-001' }, authorizerContext: camera, body }) as never);

    // Act / Assert
    expect((await call({ identity: {}, body })).status).toBe(401);
    expect((await call({ id: 'cam-dn-002', body })).status).toBe(403);
    expect((await call({ identity: { ...camera, deviceId: 'aq-dn-001', sourceType: 'sensor' }, id: 'aq-dn-001', body })).status).toBe(403);
    expect((await call({ identity: { ...camera, sourceType: 'sensor' }, body })).status).toBe(403);
    expect((await call({ id: 'cam-dn-002', rawBody: 'not json' })).status).toBe(403);
    expect(orphan.statusCode).toBe(404);
  });

  it('validates the body: 400 naming the bad field', async () => {
    // Prepare / Act
    const tooBig = await call({ body: { contentType: 'image/jpeg', contentLength: 15 * 1024 * 1024 + 1 } });
    const gif = await call({ body: { contentType: 'image/gif', contentLength: 10 } });
    const extra = await call({ body: { contentType: 'image/png', contentLength: 10, key: 'frames/cam-dn-002/x.png' } });
    const future = await call({ body: { contentType: 'image/png', contentLength: 10, takenAt: new Date(Date.now() + 3_600_000).toISOString() } });
    const notJson = await call({ rawBody: '{' });

    // Assert
    expect(tooBig).toMatchObject({ status: 400, body: { problems: [{ path: '$.contentLength' }] } });
    expect(gif).toMatchObject({ status: 400, body: { problems: [{ path: '$.contentType' }] } });
    expect(extra).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(future).toMatchObject({ status: 400, body: { problems: [{ path: '$.takenAt' }] } });
    expect(notJson.status).toBe(400);
  });
});
