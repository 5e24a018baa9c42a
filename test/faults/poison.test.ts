// Fault: 1 % of a 5,000-record stream is poison — not JSON (or not UTF-8), the wrong schema, or over 32 KB — spread
// through Kinesis-sized batches of 500 delivered to the real process-stream handler. Expected: every valid record
// stored exactly once, every poison record in the failure queue with its reason and payload, no batch item failure
// for poison (the shard never blocks: one invocation per batch).
import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { kinesisRecord } from '../helpers/events.ts';
import { deliver, streamProvince, takeAll } from '../helpers/fault-stream.ts';

const TOTAL = 5_000;
const BATCH = 500;
/** 100 sensors behind 10 gateways; a gateway uploads its 10 sensors' buffered readings (5 s apart) at once. */
const SOURCES = ['aq-dn-001', 'aq-dn-002', 'aq-dn-003', ...Array.from({ length: 97 }, (_, i) => `aq-gw-${String(i).padStart(3, '0')}`)];
const PER_UPLOAD = 10;
const FIRST = Date.parse('2026-11-25T15:30:00Z');

/** Poison of each kind, as producers get it wrong; `i` varies them. */
const POISON: Array<{ reason: string; make: (i: number) => unknown }> = [
  { reason: 'invalid-json', make: (i) => ['{"v":1,"id":', 'reading=42', '', Buffer.from([0xff, 0xfe, 0x00, i & 0xff])][i % 4] },
  {
    reason: 'invalid-schema',
    make: (i) => {
      const ok = { v: 1, id: `bad-${i}`, source: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', ts: '2026-11-25T15:30:00Z', value: 42 };
      return [
        { ...ok, value: 'high' },
        { ...ok, id: undefined },
        { ...ok, ts: '25/11/2026 22:30' },
        { ...ok, v: 2 },
        { ...ok, source: 'AQ DN 001' },
        { ...ok, extra: true },
        [ok],
      ][i % 7];
    },
  },
  { reason: 'oversized', make: (i) => ({ v: 1, id: `big-${i}`, source: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', ts: '2026-11-25T15:30:00Z', value: 1, data: { blob: 'x'.repeat(33_000 + i) } }) },
];

function stream() {
  const records: KinesisStreamRecord[] = [];
  const valid = new Map<string, Set<string>>(SOURCES.map((s) => [s, new Set()]));
  const poison: Array<{ seq: string; reason: string; data: string }> = [];
  for (let i = 0; i < TOTAL; i++) {
    if (i % 100 === 37) {
      const kind = POISON[poison.length % POISON.length]!;
      const r = kinesisRecord(kind.make(poison.length), 'poison');
      poison.push({ seq: r.kinesis.sequenceNumber, reason: kind.reason, data: r.kinesis.data });
      records.push(r);
      continue;
    }
    const upload = Math.floor(i / BATCH);
    const source = SOURCES[upload * PER_UPLOAD + (i % PER_UPLOAD)]!;
    const t = FIRST + upload * 300_000 + Math.floor((i % BATCH) / PER_UPLOAD) * 5_000;
    const id = `${source}-${t / 1000}`;
    valid.get(source)!.add(id);
    records.push(kinesisRecord({ v: 1, id, source, kind: 'pm25', zone: 'dn-bach-dang', ts: new Date(t).toISOString(), value: 30 + (i % 17), unit: 'µg/m³' }, source));
  }
  return { records, valid, poison };
}

describe('poison records', () => {
  it('1 % poison in 5,000 records: valid ones stored once, poison in the failure queue with its reason, no batch blocked', async () => {
    // Prepare
    const p = await streamProvince();
    const { records, valid, poison } = stream();
    expect(poison).toHaveLength(TOTAL / 100);
    const h = p.handler();
    const responses: Array<{ batchItemFailures: unknown[] }> = [];

    // Act
    const { givenUp, invocations } = await deliver(records, BATCH, async (e) => {
      const res = await h(e);
      responses.push(res);
      return res;
    });

    // Assert: one invocation per batch, none reporting a failure
    expect(givenUp).toEqual([]);
    expect(invocations).toBe(TOTAL / BATCH);
    expect(responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    // Every valid record stored exactly once, and counted once in its source's rollups
    const items = await p.scanAll(p.observationsTable);
    for (const [source, ids] of valid) {
      const mine = items.filter((i) => i.pk === `S#${source}`);
      expect(mine.filter((i) => String(i.sk).startsWith('O#')).map((i) => i.id).sort()).toEqual([...ids].sort());
      expect(mine.filter((i) => String(i.sk).startsWith('R5#')).reduce((n, r) => n + Number(r.count), 0)).toBe(ids.size);
    }
    // Every poison record in the failure queue, once, with its reason and its payload
    const dlq = await takeAll(p.failureQueue);
    expect(dlq.map((m) => m.id).sort()).toEqual(poison.map((x) => x.seq).sort());
    for (const x of poison) {
      const m = dlq.find((d) => d.id === x.seq)!;
      expect(m).toMatchObject({ origin: 'process-stream', reason: x.reason, item: { sequenceNumber: x.seq, data: x.data, truncated: false } });
      expect(String(m.detail).length).toBeGreaterThan(0);
    }
    expect(dlq.filter((m) => m.reason === 'invalid-schema').every((m) => /\$/.test(String(m.detail)))).toBe(true);
  }, 60_000);
});
