// Fault: hostile HTTP requests generated with fast-check — random JSON, wrong types, huge and invalid bodies, bad query
// strings, odd path parameters, missing tokens and forged claims (operator API) or forged device identities and
// credentials (ingest API, device authorizer) — through the real handlers against moto. Expected: never a 5xx, always
// a JSON body (errors with `error` and `message`), and an unauthorized request never writes anything.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ROUTES, routeKey } from '../../lambdas/operator-api/api-spec.ts';
import { makeHandler as makeAuthorizer } from '../../lambdas/authorize-device/handler.ts';
import type { Device } from '../../lambdas/ingest-events/ingest-events.ts';
import { makeHandler as makeIngest } from '../../lambdas/ingest-events/handler.ts';
import { DeviceRegistry } from '../../lambdas/shared/adapters/registry-store.ts';
import { KinesisStreamWriter } from '../../lambdas/shared/adapters/stream-writer.ts';
import { issueCredential } from '../../lambdas/shared/credentials.ts';
import { createStream, createTable, motoClients, readStreamAsEvent } from '../helpers/aws.ts';
import { httpEvent } from '../helpers/events.ts';
import { bodyArb, bodyOptions, checkResponse, nastyString, operatorEvent, operatorRequestArb, refused, spiedOperatorApi, spyWrites, type OperatorRequest, type RequestBody } from '../helpers/fault-api.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const specOf = (key: string) => OPERATOR_ROUTES.find((r) => routeKey(r) === key);

async function countItems(tables: Record<string, string>): Promise<number> {
  let n = 0;
  for (const TableName of Object.values(tables)) n += (await motoClients().db.send(new ScanCommand({ TableName, Select: 'COUNT' }))).Count ?? 0;
  return n;
}

describe('operator API fuzzed', () => {
  it('never a 5xx, always a JSON error with error and message; a refused caller writes nothing', async () => {
    // Prepare
    const op = await spiedOperatorApi();
    const itemsBefore = await countItems({ ...op.tables });
    let refusedWithWrites = 0;
    const seen = { refused: 0, ok: 0, clientErrors: 0 };

    // Act / Assert: each generated request
    await fc.assert(
      fc.asyncProperty(operatorRequestArb, async (r: OperatorRequest) => {
        const writesBefore = op.spy.writes;
        const { status } = checkResponse(await op.api(operatorEvent(r)));
        const spec = specOf(r.routeKey);
        if (spec && refused(spec, r.claims)) {
          seen.refused++;
          expect([401, 403]).toContain(status);
          if (op.spy.writes !== writesBefore) refusedWithWrites++;
          expect(op.spy.writes).toBe(writesBefore);
        } else if (status < 400) seen.ok++;
        else seen.clientErrors++;
      }),
      { numRuns: 300, seed: SEED },
    );

    // Assert: the mix was hostile and varied, and nothing a refused caller sent changed the tables
    expect(refusedWithWrites).toBe(0);
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.clientErrors).toBeGreaterThan(20);
    expect(seen.ok).toBeGreaterThan(20);
    // The allowed callers did write (devices, rules, cameras, incident actions): the spy sees writes when there are some.
    expect(op.spy.writes).toBeGreaterThan(0);
    expect(await countItems({ ...op.tables })).toBeGreaterThanOrEqual(itemsBefore);
  }, 60_000);

  it('only refused callers: the tables hold exactly the items they held before', async () => {
    // Prepare
    const op = await spiedOperatorApi();
    const before = await countItems({ ...op.tables });
    const refusedArb = operatorRequestArb.filter((r) => specOf(r.routeKey) !== undefined && refused(specOf(r.routeKey), r.claims));

    // Act
    await fc.assert(
      fc.asyncProperty(refusedArb, async (r) => {
        const { status } = checkResponse(await op.api(operatorEvent(r)));
        expect([401, 403]).toContain(status);
      }),
      { numRuns: 120, seed: SEED + 1 },
    );

    // Assert
    expect(op.spy.writes).toBe(0);
    expect(await countItems({ ...op.tables })).toBe(before);
  }, 60_000);
});

describe('ingest API fuzzed', () => {
  const device: Device = { deviceId: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', unit: 'µg/m³' };

  /** Authorizer contexts: none, forged or partial identities, and the real one. */
  const identityArb = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.record(
        { deviceId: fc.oneof(nastyString, fc.integer(), fc.constant(null)), kind: fc.oneof(nastyString, fc.constant(undefined)), zone: fc.oneof(nastyString, fc.constant(undefined)) },
        { requiredKeys: [] },
      ),
    },
    { weight: 3, arbitrary: fc.constant(device as unknown as Record<string, unknown>) },
  );
  /** Bodies: the generic hostile ones, and event lists with wrong types, bad times, too many events. */
  const eventsArb: fc.Arbitrary<RequestBody> = fc.oneof(
    bodyArb,
    fc
      .array(
        fc.record(
          { id: fc.oneof(nastyString, fc.integer()), ts: fc.oneof(nastyString, fc.constantFrom('2026-11-25T15:30:00Z', '2026-11-25T15:30:00', '2099-01-01T00:00:00Z')), value: fc.oneof(fc.double(), fc.string(), fc.constant(null)), kind: fc.constantFrom('pm25', 'water_level', undefined), data: fc.jsonValue({ maxDepth: 2 }) },
          { requiredKeys: [] },
        ),
        { maxLength: 8 },
      )
      .map((events) => ({ body: { events } as unknown })),
    fc
      .array(fc.record({ id: fc.stringMatching(/^[a-z0-9-]{4,24}$/), ts: fc.constantFrom('2026-11-25T15:30:00Z', '2026-11-25T22:30:00+07:00'), value: fc.double({ noNaN: true, noDefaultInfinity: true }) }), { minLength: 1, maxLength: 5 })
      .map((events) => ({ body: { events } as unknown })),
    fc.constantFrom(501, 600).map((n) => ({ body: Array.from({ length: n }, (_, i) => ({ id: `e-${i}`, ts: '2026-11-25T15:30:00Z', value: i })) as unknown })),
  );

  // The identity comes from the device authorizer (API Gateway passes nothing else): a request without one, or with
  // one missing its device id, kind or zone, is refused. Forged credentials are the authorizer's to refuse (below).
  const identified = (id: Record<string, unknown> | undefined) => Boolean(id?.deviceId && id.kind && id.zone);

  it('never a 5xx, always JSON; a request without a device identity puts nothing on the stream', async () => {
    // Prepare: the real stream writer on a moto stream, behind a write spy
    const streamName = await createStream('fuzz');
    const spy = { writes: 0, byCommand: {} as Record<string, number> };
    const ingest = makeIngest({ stream: new KinesisStreamWriter(spyWrites(motoClients().kinesis, spy), streamName), now: () => new Date('2026-11-25T15:35:00Z') });
    let unauthorized = 0;
    const accepted: string[] = [];

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(identityArb, eventsArb, async (identity, b) => {
        const e = httpEvent('POST /events', {
          ...bodyOptions(b),
          ...(identity ? { authorizerContext: identity } : {}),
        });
        const event = { ...e, isBase64Encoded: b.base64 ?? false } as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<Partial<Device>>;
        const writesBefore = spy.writes;
        const { status, body } = checkResponse(await ingest(event), { ingestResult: true });
        if (!identified(identity)) {
          unauthorized++;
          expect(status).toBe(401);
          expect(spy.writes).toBe(writesBefore);
        } else {
          for (let i = 0; i < Number(body.accepted ?? 0); i++) accepted.push(String(identity!.deviceId));
        }
      }),
      { numRuns: 250, seed: SEED + 2 },
    );

    // Assert: exactly the accepted events are on the stream, none from a forged identity
    expect(unauthorized).toBeGreaterThan(50);
    const onStream = (await readStreamAsEvent(streamName)).Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()) as { source: string });
    expect(onStream.map((o) => o.source).sort()).toEqual(accepted.sort());
    expect(accepted.length).toBeGreaterThan(10);
  }, 60_000);

  // Was an inconsistency (fixed): a POST /events refusing every event answered 400 with only its per-event result;
  // it now carries `error` and `message` too, like every other error of the API.
  it('a 400 from POST /events carries error and message like every other error', async () => {
    const ingest = makeIngest({ stream: { put: async () => [] }, now: () => new Date('2026-11-25T15:35:00Z') });
    await fc.assert(
      fc.asyncProperty(eventsArb, async (b) => {
        const e = httpEvent('POST /events', { ...bodyOptions(b), authorizerContext: device as never });
        checkResponse(await ingest({ ...e, isBase64Encoded: b.base64 ?? false } as never));
      }),
      { numRuns: 100, seed: SEED + 4 },
    );
  });

  it('the device authorizer never admits a forged or tampered credential, and never throws', async () => {
    // Prepare: one registered device with a real credential
    const devices = new DeviceRegistry(motoClients().db, await createTable('registry'));
    const issued = issueCredential('aq-dn-001');
    await devices.put({ id: 'aq-dn-001', sourceType: 'sensor', kind: 'pm25', zone: 'dn-bach-dang', unit: 'µg/m³', secretHash: issued.hash, status: 'active', issuedAt: '2026-11-25T00:00:00Z', issuedBy: 'fuzz' });
    const authorize = makeAuthorizer({ devices });
    const secret = issued.token.split('.')[1]!;
    const b64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: 43, maxLength: 43 });
    const headerArb = fc.oneof(
      nastyString,
      b64url.map((s) => `Device aq-dn-001.${s}`),
      b64url.map((s) => `Bearer aq-dn-001.${s}`),
      fc.nat({ max: 42 }).map((i) => `Device aq-dn-001.${secret.slice(0, i)}${secret[i] === 'A' ? 'B' : 'A'}${secret.slice(i + 1)}`),
      fc.constantFrom(`Device aq-dn-002.${secret}`, `Device aq-dn-001.${secret}x`, `Device aq-dn-001.${secret.slice(1)}`, `Device  aq-dn-001 . ${secret}`, `aq-dn-001:${secret}`),
      fc.constant(undefined),
    );

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(headerArb, async (header) => {
        const event = { type: 'REQUEST', routeKey: 'POST /events', headers: header === undefined ? {} : { authorization: header }, identitySource: header === undefined ? [] : [header] } as unknown as APIGatewayRequestAuthorizerEventV2;
        const res = await authorize(event);
        expect(res.isAuthorized).toBe(false);
        expect(res.context).toEqual({});
      }),
      { numRuns: 200, seed: SEED + 3 },
    );
    // The real credential still works (the property did not pass by refusing everything for another reason)
    expect((await authorize({ headers: { authorization: `Device ${issued.token}` } } as unknown as APIGatewayRequestAuthorizerEventV2)).isAuthorized).toBe(true);
  }, 60_000);
});
