// One event's whole journey against moto: credential → authorizer → POST /events → stream → processor → store → GET /observations.
import { describe, expect, it } from 'vitest';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';
import { makeHandler as makeAuthorizer, type DeviceIdentity } from '../../lambdas/authorize-device/handler.ts';
import { makeHandler as makeIngest } from '../../lambdas/ingest-events/handler.ts';
import { makeHandler as makeProcessor } from '../../lambdas/process-stream/handler.ts';
import { FailureQueue } from '../../lambdas/shared/adapters/failure-queue.ts';
import { KinesisStreamWriter } from '../../lambdas/shared/adapters/stream-writer.ts';
import { createQueue, createStream, drainQueue, motoClients, readStreamAsEvent } from '../helpers/aws.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { httpEvent } from '../helpers/events.ts';
import { claimsFor, sampleRegistry } from '../helpers/province.ts';

describe('ingest → stream → store → API', () => {
  it('an event a device posts is readable by an operator', async () => {
    // Prepare: the province's resources in moto and its four functions
    const { kinesis, sqs } = motoClients();
    const [stream, failureQueue] = await Promise.all([createStream(), createQueue('failures')]);
    const now = () => new Date('2026-11-25T15:31:00Z');
    const { api: operatorApi, deps } = await motoOperatorApi({ registry: sampleRegistry('hue'), now });
    const { observations: store, devices } = deps;
    const authorize = makeAuthorizer({ devices });
    const ingest = makeIngest({ stream: new KinesisStreamWriter(kinesis, stream), now });
    const processor = makeProcessor({ store, failures: new FailureQueue(sqs, failureQueue, 'process-stream'), now });
    const asAdmin = claimsFor('admin-hue', 'admin');

    // Act 1: an admin issues the gauge's credential
    const issued = await operatorApi(
      httpEvent('POST /devices', { body: { id: 'wl-hue-001' }, claims: asAdmin }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer,
    );
    expect(issued.statusCode).toBe(201);
    const { credential } = JSON.parse(issued.body!);

    // Act 2: the gauge posts two readings; API Gateway runs the authorizer first
    const authorization = `Device ${credential}`;
    const auth = await authorize({ headers: { authorization }, identitySource: [authorization] } as unknown as APIGatewayRequestAuthorizerEventV2);
    expect(auth.isAuthorized).toBe(true);
    const posted = await ingest(
      httpEvent('POST /events', {
        body: { events: [{ id: 'g-1', ts: '2026-11-25T22:10:00+07:00', value: 3.2 }, { id: 'g-2', ts: '2026-11-25T15:20:00Z', value: 3.6 }] },
        authorizerContext: { ...(auth.context as DeviceIdentity) },
      }) as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<DeviceIdentity>,
    );
    expect(posted.statusCode).toBe(200);

    // Act 3: Lambda hands the stream's records to the processor
    const batch = await readStreamAsEvent(stream);
    expect(batch.Records).toHaveLength(2);
    expect((await processor(batch)).batchItemFailures).toEqual([]);

    // Act 4: an operator reads the zone and the gauge
    const read = await operatorApi(
      httpEvent('GET /observations', {
        query: { zone: 'hue-song-huong', from: '2026-11-25T15:00:00Z', to: '2026-11-25T15:30:00Z' },
        claims: claimsFor('op-hue', 'operator'),
      }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer,
    );
    const latest = await operatorApi(
      httpEvent('GET /sensors/{id}/latest', { pathParameters: { id: 'wl-hue-001' }, claims: claimsFor('op-hue', 'operator') }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer,
    );

    // Assert
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body!).items).toEqual([
      { v: 1, id: 'g-2', source: 'wl-hue-001', kind: 'water_level', zone: 'hue-song-huong', ts: '2026-11-25T15:20:00.000Z', value: 3.6, unit: 'm' },
      { v: 1, id: 'g-1', source: 'wl-hue-001', kind: 'water_level', zone: 'hue-song-huong', ts: '2026-11-25T15:10:00.000Z', value: 3.2, unit: 'm' },
    ]);
    expect(JSON.parse(latest.body!).latest.id).toBe('g-2');
    expect(await drainQueue(failureQueue)).toEqual([]);
  });
});
