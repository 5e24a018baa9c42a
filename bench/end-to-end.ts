// Benchmark: in the local province, an observation put on the stream → the incident it opens readable through the API.
//
// The province (da-nang, from its template in cdk.out) is brought up once with startSession at speed 1 without the
// device simulator. A supervisor first sets the PM2.5 rule to open on one reading above 150 with no cooldown (through
// PUT /rules, before any record is processed, so the stream processor loads it on its first batch); then each sample
// puts one reading of 200 µg/m³ from a registered sensor on the Kinesis stream and polls GET /incidents (status=open,
// that rule) every 25 ms until the incident appears; the operator then resolves it, so the next reading of that
// sensor opens a new one. The path measured: Kinesis → event source mapping (1 s batching window, as the template sets
// it) → process-stream → DynamoDB → operator API.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startSession, type Session } from '../local/session.ts';
import { ROOT, median, note, quantile, round, writeResult } from './util.ts';

const SAMPLES = Number(process.env.BENCH_E2E_SAMPLES ?? 20);
const WARMUP = 2;
const RULE = 'pm25-unhealthy';
const lines: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let session: Session | undefined;
try {
  const synthesized = existsSync(join(ROOT, 'cdk.out', 'SmartCity-da-nang.template.json'));
  note(`starting the local province (${synthesized ? 'templates and bundles from cdk.out' : 'synthesizing first'})…`);
  const t0 = performance.now();
  session = await startSession({ code: 'da-nang', speed: 1, simulate: false, episodes: false, skipSynth: synthesized, log: (l) => lines.push(l) });
  note(`province up in ${round((performance.now() - t0) / 1000, 1)} s`);
  const p = session.province;
  const config = session.config;
  const [operator, supervisor] = await Promise.all([p.token('operator', 'bench-operator'), p.token('supervisor', 'bench-supervisor')]);
  const api = async <T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${p.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  const rules = await api<{ items: Array<{ rule: Record<string, unknown>; version: number }> }>('GET', '/rules', supervisor);
  const current = rules.body.items.find((r) => r.rule.id === RULE);
  if (!current) throw new Error(`no rule ${RULE} in ${config.code}`);
  const edit = await api('PUT', `/rules/${RULE}`, supervisor, { rule: { ...current.rule, sustain: { observations: 1 }, cooldownMinutes: 0 }, expectedVersion: current.version });
  if (edit.status !== 200) throw new Error(`rule edit refused: ${edit.status} ${JSON.stringify(edit.body)}`);

  const streamId = (p.provisioned.byType.get('AWS::Kinesis::Stream') ?? [])[0]?.[0];
  const streamName = streamId ? p.provisioned.ctx.refs[streamId] : undefined;
  if (!streamName) throw new Error('no Kinesis stream in the template');
  const kinesis = new KinesisClient({ endpoint: p.motoEndpoint, region: config.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() });
  const sensors = config.sensors.filter((s) => s.kind === 'pm25');

  const seen = new Set<string>();
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const sensor = sensors[i % sensors.length]!;
    const observation = { v: 1, id: `bench-e2e-${i}-${Date.now()}`, source: sensor.id, kind: 'pm25', zone: sensor.zone, ts: p.clock.now().toISOString(), value: 200, unit: 'µg/m³' };
    const started = performance.now();
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: sensor.id, Data: Buffer.from(JSON.stringify(observation)) }));
    let found: { id: string } | undefined;
    while (!found) {
      if (performance.now() - started > 30_000) throw new Error(`sample ${i}: no incident after 30 s\n${lines.slice(-20).join('\n')}`);
      const list = await api<{ items: Array<{ id: string; subject: string }> }>('GET', `/incidents?status=open&rule=${RULE}&limit=50`, operator);
      found = list.body.items.find((x) => x.subject === sensor.id && !seen.has(x.id));
      if (!found) await sleep(25);
    }
    const seconds = (performance.now() - started) / 1000;
    seen.add(found.id);
    if (i >= WARMUP) samples.push(seconds);
    note(`${i < WARMUP ? `warm-up ${i + 1}` : `sample ${i + 1 - WARMUP}`}: ${round(seconds, 3)} s`);
    const resolved = await api('POST', `/incidents/${found.id}/resolve`, operator, { note: 'benchmark' });
    if (resolved.status !== 200) throw new Error(`resolve ${found.id}: ${resolved.status} ${JSON.stringify(resolved.body)}`);
  }
  writeResult({
    province: config.code,
    samples: samples.length,
    warmup: WARMUP,
    p50Seconds: round(median(samples), 3),
    p95Seconds: round(quantile(samples, 0.95), 3),
    minSeconds: round(Math.min(...samples), 3),
    maxSeconds: round(Math.max(...samples), 3),
    batchingWindowSeconds: 1,
  });
} catch (e) {
  process.stderr.write(`${lines.slice(-30).join('\n')}\n`);
  throw e;
} finally {
  const t = performance.now();
  await Promise.race([session?.stop(), sleep(20_000).then(() => note('the session did not stop within 20 s'))]);
  note(`province stopped in ${round((performance.now() - t) / 1000, 1)} s`);
}
// Keep-alive sockets and worker handles must not keep the benchmark alive (as local/demo.ts does).
process.exit(0);
