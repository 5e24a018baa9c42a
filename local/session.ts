// One local session: synthesize the province, start moto, the simulated Rekognition, the province and the simulator;
// read the figures the terminal shows; stop everything it started.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadProvinceConfig } from '../lib/config/load.ts';
import type { ProvinceConfig } from '../lib/config/schema.ts';
import { SimClock, startClock, type ClockSpec } from './clock.ts';
import { startMoto, type Moto } from './moto.ts';
import { startLocalProvince, type LocalProvince, type OutboxMessage } from './province.ts';
import { CONSOLE_DIST, consoleFallback, localConsoleConfig, type ConsoleConfig } from '../console/serve.ts';
import { startLocalRekognition, type LocalRekognition } from './rekognition-server.ts';
import { localInstant, localDate } from './simulator/scenario.ts';
import { Simulator } from './simulator/simulator.ts';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = resolve(new URL('..', import.meta.url).pathname);

/** Options of a local session. */
export interface SessionOptions {
  readonly code: string;
  /** Simulated seconds per wall second. */
  readonly speed: number;
  /** Where the simulated clock starts; default 21:30 local time today. */
  readonly simStart?: Date;
  readonly port?: number;
  /** Keep moto's state in this directory between runs. */
  readonly persist?: string;
  /** Run the device simulator. */
  readonly simulate: boolean;
  /** Sensor episodes (pollution / flood) in the simulation. */
  readonly episodes: boolean;
  /** Skip `cdk synth` (use the templates already in cdk.out). */
  readonly skipSynth?: boolean;
  readonly log: (line: string) => void;
  readonly onOutbox?: (m: OutboxMessage) => void;
  /** Serve the operations console (console/dist) at the API's origin. @default true when it is built */
  readonly console?: boolean;
}

/** A running session. */
export interface Session {
  readonly config: ProvinceConfig;
  readonly province: LocalProvince;
  readonly rekognition: LocalRekognition;
  readonly simulator?: Simulator;
  readonly moto: Moto;
  readonly clock: ClockSpec;
  /** The console's URL when it is served. */
  readonly consoleUrl?: string;
  figures(): Promise<Figures>;
  stop(): Promise<void>;
}

/** What the terminal and the demo report. */
export interface Figures {
  readonly simNow: string;
  readonly eventsSent: number;
  readonly framesSent: number;
  readonly eventsPerSecond: number;
  readonly framesPerSecond: number;
  readonly rekognitionCalls: number;
  readonly rekognitionSaved: number;
  readonly incidentsOpen: number;
  readonly alerts: number;
  readonly functionErrors: number;
}

/** 21:30 in the province's timezone on the current local date: a crowd forms after 22:00. */
export function defaultSimStart(config: ProvinceConfig, now = new Date()): Date {
  return new Date(localInstant(localDate(now, config.timezone), 21 * 60 + 30, config.timezone));
}

/** Synthesizes one province into cdk.out (bundles included), as `npm run synth` would. */
export async function synthesize(code: string, log: (line: string) => void): Promise<void> {
  log(`synthesizing SmartCity-${code} (cdk synth, esbuild bundles)…`);
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  try {
    await run(cdk, ['synth', '--quiet', '-c', `province=${code}`], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`cdk synth failed for ${code}:\n${(err.stderr || err.stdout || err.message).trim()}`);
  }
}

/** Starts a session; on failure stops what it started. */
export async function startSession(o: SessionOptions): Promise<Session> {
  const file = join(ROOT, 'provinces', `${o.code}.json`);
  if (!existsSync(file)) throw new Error(`no province config ${file}`);
  const config = loadProvinceConfig(file);
  if (!o.skipSynth) await synthesize(o.code, o.log);
  const clock = startClock(o.simStart ?? defaultSimStart(config), o.speed);
  const localDir = join(ROOT, '.local');
  const logDir = join(localDir, 'logs', o.code);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const userLog = o.log;
  o = { ...o, log: (line) => (stopping ? undefined : userLog(line)) };
  try {
    let motoEnv: NodeJS.ProcessEnv | undefined;
    let recording: string | undefined;
    if (o.persist) {
      mkdirSync(o.persist, { recursive: true });
      recording = join(resolve(o.persist), 'moto-recording.jsonl');
      motoEnv = { MOTO_ENABLE_RECORDING: 'True', MOTO_RECORDER_FILEPATH: recording };
    }
    const moto = await startMoto({ env: motoEnv });
    cleanups.push(() => moto.stop());
    if (recording && existsSync(recording)) {
      o.log(`restoring state from ${recording}…`);
      const res = await fetch(`${moto.endpoint}/moto-api/recorder/replay-recording`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto could not replay ${recording}: HTTP ${res.status}`);
    }
    const simClock = new SimClock(clock);
    const rekognition = await startLocalRekognition({
      s3: { endpoint: moto.endpoint, region: config.region },
      sns: { endpoint: moto.endpoint, region: config.region },
      now: () => simClock.now(),
      log: (l) => o.log(l),
    });
    cleanups.push(() => rekognition.stop());
    // The console is served by the API's own server (same origin), with a config.json made once the tokens exist.
    const serveConsole = (o.console ?? true) && existsSync(join(CONSOLE_DIST, 'index.html'));
    let consoleConfig: ConsoleConfig | undefined;
    const fallback = serveConsole
      ? (req: Parameters<ReturnType<typeof consoleFallback>>[0], res: Parameters<ReturnType<typeof consoleFallback>>[1]) =>
          consoleConfig ? consoleFallback(CONSOLE_DIST, consoleConfig)(req, res) : false
      : undefined;
    const province = await startLocalProvince({
      code: o.code,
      cdkOut: join(ROOT, 'cdk.out'),
      region: config.region,
      clock,
      port: o.port,
      moto,
      logDir,
      // Only the endpoint differs from the cloud: the same Lambda code calls the simulated Rekognition.
      functionEnv: { AWS_ENDPOINT_URL_REKOGNITION: rekognition.url },
      log: (l) => o.log(l),
      onOutbox: o.onOutbox,
      fallback,
    });
    cleanups.push(() => province.stop());
    if (serveConsole) consoleConfig = await localConsoleConfig({ config, province });

    let simulator: Simulator | undefined;
    if (o.simulate) {
      simulator = new Simulator({
        apiUrl: province.apiUrl,
        adminToken: await province.token('admin', 'simulator-admin'),
        config,
        clock: province.clock,
        episodes: o.episodes,
        log: (l) => o.log(l),
      });
      await simulator.start();
      cleanups.push(() => simulator!.stop());
    }

    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: moto.endpoint, region: config.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() }),
    );
    const tableOf = (prefix: string) => {
      const id = (province.provisioned.byType.get('AWS::DynamoDB::Table') ?? []).map(([i]) => i).find((i) => i.startsWith(prefix));
      return id ? province.provisioned.ctx.refs[id] : undefined;
    };
    const registryTable = tableOf('StoreRegistryTable');
    const incidentsTable = tableOf('StoreIncidentsTable');

    return {
      config,
      province,
      rekognition,
      simulator,
      moto,
      clock,
      consoleUrl: serveConsole ? `${province.apiUrl}/` : undefined,
      figures: async () => {
        const sim = simulator?.stats();
        let calls = 0;
        let saved = 0;
        if (registryTable) {
          const res = await db.send(new QueryCommand({ TableName: registryTable, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'usage' } }));
          for (const day of res.Items ?? []) {
            calls += Number(day.analysed ?? 0);
            saved += ['carried', 'inactiveHours', 'adaptiveSkip', 'tooSoon'].reduce((s, k) => s + Number(day[k] ?? 0), 0);
          }
        }
        let open = 0;
        if (incidentsTable) {
          const res = await db.send(new QueryCommand({ TableName: incidentsTable, IndexName: 'Active', KeyConditionExpression: 'gsi2pk = :a', ExpressionAttributeValues: { ':a': 'ACTIVE' }, Select: 'COUNT' }));
          open = res.Count ?? 0;
        }
        const fns = province.functions.stats();
        return {
          simNow: province.clock.now().toISOString(),
          eventsSent: sim?.eventsSent ?? 0,
          framesSent: sim?.framesSent ?? 0,
          eventsPerSecond: sim?.eventsPerSecond ?? 0,
          framesPerSecond: sim?.framesPerSecond ?? 0,
          rekognitionCalls: calls,
          rekognitionSaved: saved,
          incidentsOpen: open,
          alerts: province.outbox.filter((m) => m.attributes.incidentId).length,
          functionErrors: Object.values(fns).reduce((s, f) => s + f.errors, 0),
        };
      },
      stop: async () => {
        stopping = true; // what breaks while shutting down is expected, not news
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw e;
  }
}

