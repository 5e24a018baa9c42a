// POST /events: validation with the bad field's path, per-event results, stream retries, and the identity from the credential.
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { makeHandler } from '../../lambdas/ingest-events/handler.ts';
import type { Device, StreamWriter } from '../../lambdas/ingest-events/ingest-events.ts';
import { KinesisStreamWriter } from '../../lambdas/shared/adapters/stream-writer.ts';
import { createStream, motoClients, readStreamAsEvent } from '../helpers/aws.ts';
import { httpEvent } from '../helpers/events.ts';

const device: Device = { deviceId: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', unit: 'µg/m³' };
const now = () => new Date('2026-11-25T15:31:00Z');
const post = (h: ReturnType<typeof makeHandler>, body: unknown, identity: Partial<Device> | null = device, rawBody?: string) =>
  h(httpEvent('POST /events', { body, rawBody, authorizerContext: identity ?? undefined }) as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<Partial<Device>>);
const reading = (i: number, over: Record<string, unknown> = {}) => ({ id: `e-${i}`, ts: `2026-11-25T15:30:${String(i % 60).padStart(2, '0')}Z`, value: 30 + i, ...over });

describe('POST /events', () => {
  it('puts a batch on the stream with the source, zone and kind of the credential, partitioned by source', async () => {
    // Prepare
    const stream = await createStream();
    const handler = makeHandler({ stream: new KinesisStreamWriter(motoClients().kinesis, stream), now });

    // Act
    const res = await post(handler, { events: [reading(1), reading(2, { data: { battery: 0.8 } })] });

    // Assert
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ accepted: 2, acceptedIds: ['e-1', 'e-2'], rejected: [] });
    const onStream = (await readStreamAsEvent(stream)).Records;
    expect(onStream.map((r) => r.kinesis.partitionKey)).toEqual(['aq-dn-001', 'aq-dn-001']);
    const first = JSON.parse(Buffer.from(onStream[1]!.kinesis.data, 'base64').toString('utf8'));
    expect(first).toEqual({
      v: 1,
      id: 'e-2',
      source: 'aq-dn-001',
      kind: 'pm25',
      zone: 'dn-bach-dang',
      ts: '2026-11-25T15:30:02.000Z',
      value: 32,
      unit: 'µg/m³',
      data: { battery: 0.8 },
    });
  });

  it('accepts one bare event and an array', async () => {
    const stream = await createStream();
    const handler = makeHandler({ stream: new KinesisStreamWriter(motoClients().kinesis, stream), now });
    expect((await post(handler, reading(1))).statusCode).toBe(200);
    expect(JSON.parse((await post(handler, [reading(2), reading(3)])).body!).accepted).toBe(2);
    expect((await readStreamAsEvent(stream)).Records).toHaveLength(3);
  });

  it('answers 207 naming each refused event and why, and forwards the rest', async () => {
    const stream = await createStream();
    const handler = makeHandler({ stream: new KinesisStreamWriter(motoClients().kinesis, stream), now });

    const res = await post(handler, [
      reading(0),
      reading(1, { value: 'high' }),
      reading(2, { kind: 'water_level' }),
      reading(3, { ts: '2026-11-25T16:00:00Z' }),
      reading(4, { ts: 'yesterday' }),
      reading(5, { source: 'someone-else' }),
      reading(6),
    ]);

    expect(res.statusCode).toBe(207);
    const body = JSON.parse(res.body!);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(body.rejected[0].reason).toMatch(/^\$\[1\]\.value: /);
    expect(body.rejected[1].reason).toContain('"pm25"');
    expect(body.rejected[2].reason).toContain('future');
    expect(body.rejected[3].problems[0].path).toBe('$[4].ts');
    expect(body.rejected[4].reason).toContain('source');
    expect((await readStreamAsEvent(stream)).Records).toHaveLength(2);
  });

  it('refuses bodies that are not events with 400, too many events with 413, and no identity with 401', async () => {
    const stream: StreamWriter = { put: async () => [] };
    const handler = makeHandler({ stream, now });
    expect((await post(handler, undefined, device, '{"events": [')).statusCode).toBe(400);
    expect((await post(handler, 'hello')).statusCode).toBe(400);
    expect((await post(handler, [reading(1, { value: null })])).statusCode).toBe(400);
    const big = await post(handler, { events: Array.from({ length: 501 }, (_, i) => reading(i)) });
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body!).error).toBe('too_many_events');
    expect((await post(handler, [reading(1)], null)).statusCode).toBe(401);
  });

  it('retries records the stream refused and reports those that never made it', async () => {
    // Prepare: a stream that refuses every record of index 1 and the first attempt of index 0
    let attempt = 0;
    const fake = {
      send: async (cmd: { input: { Records: Array<{ Data: Uint8Array }> } }) => {
        attempt++;
        return {
          FailedRecordCount: 1,
          Records: cmd.input.Records.map((r) => {
            const id = JSON.parse(new TextDecoder().decode(r.Data)).id as string;
            const refuse = id === 'e-1' || (id === 'e-0' && attempt === 1);
            return refuse ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' } : { SequenceNumber: '1', ShardId: 's' };
          }),
        };
      },
    };
    const handler = makeHandler({
      stream: new KinesisStreamWriter(fake as never, 'stream', { attempts: 3, sleep: async () => undefined }),
      now,
    });

    const res = await post(handler, [reading(0), reading(1), reading(2)]);

    expect(res.statusCode).toBe(207);
    const body = JSON.parse(res.body!);
    expect(body.acceptedIds).toEqual(['e-0', 'e-2']);
    expect(body.rejected).toEqual([{ index: 1, id: 'e-1', reason: expect.stringContaining('retry later') }]);
    expect(attempt).toBe(3);
  });

  it('answers 503 when the stream takes nothing', async () => {
    const handler = makeHandler({ stream: { put: async (o) => o.map((_, index) => ({ index, reason: 'stream unavailable, retry later' })) }, now });
    const res = await post(handler, [reading(0)]);
    expect(res.statusCode).toBe(503);
  });
});
