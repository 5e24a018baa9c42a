// `npm run demo`: one accelerated night, headless. Exits 0 only when every simulated crowd became exactly one incident
// and one alert, and an operator token acknowledged and resolved each through the HTTP API.
import { parseArgs } from './args.ts';
import { startSession, type Session } from './session.ts';

type Incident = { id: string; ruleId: string; ruleKind: string; subject: string; status: string; clearSince?: string; version: number };

const args = parseArgs(process.argv.slice(2), { speed: 60, episodes: false });
const started = Date.now();
const quiet: string[] = [];
const log = (l: string) => quiet.push(l);
const say = (l: string) => console.log(`demo: ${l}`);
let session: Session | undefined;
let failure: string | undefined;
const failures: string[] = [];

async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${session!.province.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

try {
  session = await startSession({ code: args.province, speed: args.speed, simStart: args.start, simulate: true, episodes: args.episodes, skipSynth: args.skipSynth, log });
  const p = session.province;
  const config = session.config;
  const operator = await p.token('operator', 'demo-operator');
  const crowdRules = config.rules.filter((r) => r.kind === 'crowd' && r.enabled && config.cameras.some((c) => c.zone === r.zone));
  say(`${config.name}: ${config.cameras.length} camera(s), ${config.sensors.length} sensor(s), ${crowdRules.length} crowd rule(s); simulated at ${args.speed}×`);
  const handled = new Map<string, Incident>();
  const wallLimit = Date.now() + 8 * 60_000;
  const simLimit = session.clock.simEpochMs + 4 * 3600_000;
  while (Date.now() < wallLimit && p.clock.now().getTime() < simLimit) {
    const { body } = await api<{ items: Incident[] }>('GET', '/incidents?limit=200', operator);
    const crowd = body.items.filter((x) => x.ruleKind === 'crowd');
    for (const i of crowd) {
      if (!handled.has(i.id)) say(`incident ${i.id} opened by ${i.ruleId} in ${i.subject}`);
      handled.set(i.id, i);
      // As an operator would: act on what the board shows; a 409 (someone else acted) is simply read again.
      if (i.status === 'open') {
        const ack = await api('POST', `/incidents/${i.id}/acknowledge`, operator, { note: 'Đã cử tổ tuần tra / patrol sent' });
        if (ack.status === 200) say(`acknowledged ${i.id}`);
      } else if (i.status === 'acknowledged' && i.clearSince) {
        const res = await api('POST', `/incidents/${i.id}/resolve`, operator, { note: 'Đám đông đã giải tán / crowd dispersed' });
        if (res.status === 200) say(`resolved ${i.id} (crowd gone since ${i.clearSince})`);
      }
    }
    const rulesSeen = new Set(crowd.map((i) => i.ruleId));
    if (crowdRules.every((r) => rulesSeen.has(r.id)) && crowd.every((i) => i.status === 'resolved')) break;
    await sleep(200);
  }
  await sleep(2_000); // let late alerts arrive

  const { body } = await api<{ items: Incident[] }>('GET', '/incidents?limit=200', operator);
  const crowd = body.items.filter((i) => i.ruleKind === 'crowd');
  for (const rule of crowdRules) {
    const mine = crowd.filter((i) => i.ruleId === rule.id);
    if (mine.length !== 1) failures.push(`${rule.id}: ${mine.length} incidents, expected exactly 1`);
  }
  for (const i of crowd) {
    const publishes = new Set(p.outbox.filter((m) => m.attributes.incidentId === i.id).map((m) => m.messageId));
    if (publishes.size !== 1) {
      const events = p.outbox.filter((m) => m.attributes.incidentId === i.id).map((m) => `${m.attributes.event}@${m.receivedAt}`);
      failures.push(`${i.id}: ${publishes.size} alerts, expected exactly 1 (${[...new Set(events)].join(', ')})`);
    }
    const detail = await api<{ incident: Incident; audit: Array<{ action: string; actor: string }> }>('GET', `/incidents/${i.id}`, operator);
    if (detail.body.incident.status !== 'resolved') failures.push(`${i.id}: ${detail.body.incident.status}, expected resolved`);
    const trail = detail.body.audit.map((a) => `${a.action}:${a.actor}`).join(' ');
    if (!trail.includes('acknowledge:demo-operator') || !trail.includes('resolve:demo-operator')) failures.push(`${i.id}: audit trail "${trail}"`);
  }
  const f = await session.figures();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const publishes = new Set(p.outbox.filter((m) => m.attributes.incidentId).map((m) => m.messageId)).size;
  console.log(
    `demo summary: province ${config.code} · events ${f.eventsSent} · frames ${f.framesSent} · Rekognition calls ${f.rekognitionCalls} (saved ${f.rekognitionSaved})` +
      ` · crowd incidents ${crowd.length} · alerts ${publishes} · function errors ${f.functionErrors} · ${seconds} s`,
  );
} catch (e) {
  failure = (e as Error).stack ?? String(e);
} finally {
  await session?.stop();
}
if (failure || failures.length) {
  console.error(`demo FAILED:\n${failure ?? ''}${failures.map((f) => `  - ${f}`).join('\n')}`);
  console.error(`last log lines:\n${quiet.slice(-40).join('\n')}`);
  process.exit(1);
}
say('passed');
process.exit(0);
