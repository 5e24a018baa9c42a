// Route wiring (every route implemented by the function that serves it) and privacy (no face API anywhere in lambdas/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../../lib/config/schema.ts';
import { CAMERA_DEVICE_ROUTES, ROUTE_FUNCTIONS, functionOf, routeKey, routesFor } from '../../lambdas/operator-api/api-spec.ts';
import { operatorRouteImpls } from '../../lambdas/operator-api/handler.ts';
import { startClipRoutes } from '../../lambdas/start-clip/start-clip.ts';
import { visionOperatorApi } from '../helpers/vision.ts';

describe('routes and the functions that serve them', () => {
  it('each function implements exactly its routes, and together they cover every route', async () => {
    // Prepare: all modules on
    const p = await visionOperatorApi();
    const all = routesFor([...MODULES]);

    // Act
    const operatorKeys = Object.keys(operatorRouteImpls({ ...p.deps, registry: { ...p.registry, modules: [...MODULES] }, vision: p.vision })).sort();
    const startClipKeys = Object.keys(startClipRoutes({} as never)).sort();

    // Assert
    expect(operatorKeys).toEqual(routesFor([...MODULES], 'operator-api').map(routeKey).sort());
    expect(startClipKeys).toEqual(routesFor([...MODULES], 'start-clip').map(routeKey).sort());
    expect([...operatorKeys, ...startClipKeys].sort()).toEqual(all.map(routeKey).sort());
    expect(all.every((r) => (ROUTE_FUNCTIONS as readonly string[]).includes(functionOf(r)))).toBe(true);
  });

  it('declares the crowd routes with their roles and functions, and none when the module is off', () => {
    // Prepare
    const crowd = routesFor(['crowd']).filter((r) => r.module === 'crowd');

    // Act
    const table = crowd.map((r) => `${routeKey(r)} ${r.minRole} ${functionOf(r)}`);

    // Assert
    expect(table).toEqual([
      'GET /cameras operator operator-api',
      'GET /cameras/{id} operator operator-api',
      'PUT /cameras/{id} supervisor operator-api',
      'GET /vision/usage operator operator-api',
      'POST /clips operator start-clip',
      'GET /clips/{id} operator operator-api',
    ]);
    expect(routesFor(['sensors']).some((r) => r.module === 'crowd')).toBe(false);
    expect(CAMERA_DEVICE_ROUTES).toEqual([{ method: 'POST', path: '/cameras/{id}/frames', fn: 'request-frame-url' }]);
  });

  it('the operator router answers a start-clip route only after its role check (404: served elsewhere)', async () => {
    // Prepare
    const p = await visionOperatorApi();

    // Act
    const guest = await p.call('POST /clips', { claims: { 'cognito:username': 'x', 'cognito:groups': '[]' }, body: {} });
    const op = await p.call('POST /clips', { claims: { 'cognito:username': 'x', 'cognito:groups': '[operator]' }, body: { cameraId: 'cam-dn-001', key: 'clips/cam-dn-001/a.mp4' } });

    // Assert
    expect(guest.status).toBe(403);
    expect(op).toMatchObject({ status: 404, body: { message: 'POST /clips is served by the start-clip function' } });
  });
});

/** Every Rekognition face operation (images, video, collections, users, celebrities, liveness). */
const FACE_APIS = [
  'DetectFaces',
  'IndexFaces',
  'SearchFaces',
  'SearchFacesByImage',
  'CompareFaces',
  'ListFaces',
  'DeleteFaces',
  'DisassociateFaces',
  'AssociateFaces',
  'SearchUsers',
  'SearchUsersByImage',
  'CreateCollection',
  'StartFaceDetection',
  'GetFaceDetection',
  'StartFaceSearch',
  'GetFaceSearch',
  'RecognizeCelebrities',
  'StartCelebrityRecognition',
  'GetCelebrityRecognition',
  'GetCelebrityInfo',
  'CreateFaceLivenessSession',
  'StartFaceLivenessSession',
  'GetFaceLivenessSessionResults',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

describe('privacy: no face API', () => {
  it('no file under lambdas/ names a Rekognition face operation or its command', () => {
    // Prepare
    const files = sourceFiles('lambdas');
    const pattern = new RegExp(`\\b(${FACE_APIS.join('|')})(Command)?\\b`);

    // Act
    const offenders = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));

    // Assert
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain(join('lambdas', 'shared', 'adapters', 'rekognition.ts'));
    expect(offenders).toEqual([]);
  });

  it('the check itself catches a face call', () => {
    // Prepare
    const pattern = new RegExp(`\\b(${FACE_APIS.join('|')})(Command)?\\b`);

    // Act / Assert
    expect(pattern.test("await client.send(new SearchFacesByImageCommand({ CollectionId: 'x' }))")).toBe(true);
    expect(pattern.test("import { IndexFacesCommand } from '@aws-sdk/client-rekognition';")).toBe(true);
    expect(pattern.test('new DetectLabelsCommand(request)')).toBe(false);
  });
});
