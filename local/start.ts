// `npm start`: the whole province on this machine — moto, the template's functions, the HTTP API, simulated
// Rekognition and devices — with a live line of figures, until Ctrl-C stops everything it started.
import { formatLocal } from '../lambdas/shared/domain/time.ts';
import { parseArgs, USAGE, type LocalArgs } from './args.ts';
import { MotoMissingError } from './moto.ts';
import { startSession, type Session } from './session.ts';

const tty = process.stdout.isTTY === true;
let args: LocalArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message === 'help' ? USAGE : `${(e as Error).message}\n\n${USAGE}`);
  process.exit((e as Error).message === 'help' ? 0 : 2);
}

const print = (line: string) => {
  if (tty) process.stdout.write('\r\x1b[2K');
  console.log(line);
};

let session: Session | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  print('stopping: simulator, functions, API, Rekognition, moto…');
  await session?.stop();
  print('stopped; nothing left running.');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  session = await startSession({
    code: args.province,
    speed: args.speed,
    simStart: args.start,
    port: args.port,
    persist: args.persist,
    simulate: args.simulate,
    episodes: args.episodes,
    skipSynth: args.skipSynth,
    log: (l) => print(`  ${l}`),
    onOutbox: (m) => print(`🔔 ${m.protocol} → ${m.endpoint}: ${m.subject ?? m.message.split('\n')[0]}`),
  });
} catch (e) {
  console.error(e instanceof MotoMissingError ? e.message : `could not start the local province: ${(e as Error).message}`);
  await session?.stop();
  process.exit(1);
}

const p = session.province;
const [operator, supervisor, admin] = await Promise.all([p.token('operator', 'dieu-hanh-vien'), p.token('supervisor', 'giam-sat-vien'), p.token('admin', 'quan-tri-vien')]);
const tz = session.config.timezone;
console.log(`
${session.config.name} (${session.config.code}) is running locally — simulated at ${args.speed}× from ${formatLocal(new Date(session.clock.simEpochMs), tz)} (${tz}).
  Console    ${session.consoleUrl ?? '(not built: npm run console:build)'}     sign in as operator, supervisor or admin
  API        ${p.apiUrl}        (OpenAPI: ${p.apiUrl}/openapi.json with a token)
  moto       ${p.motoEndpoint}   function logs: .local/logs/${session.config.code}/
  Simulated: the devices and cameras, Rekognition (answers from the simulator's ground truth), Cognito (local tokens),
             email/SMS (shown here). Real: the template's resources in moto, the bundled Lambda code, the routes.

Tokens (valid 12 h):
  export OPERATOR_TOKEN=${operator}
  export SUPERVISOR_TOKEN=${supervisor}
  export ADMIN_TOKEN=${admin}

List incidents:
  curl -s -H "Authorization: Bearer $OPERATOR_TOKEN" ${p.apiUrl}/incidents

Ctrl-C stops everything.
`);

let last = 0;
const timer = setInterval(async () => {
  if (stopping || !session) return;
  try {
    const f = await session.figures();
    const line =
      `⏱ ${formatLocal(f.simNow, tz)} · events ${f.eventsSent} (${f.eventsPerSecond.toFixed(1)}/s) · frames ${f.framesSent} (${f.framesPerSecond.toFixed(1)}/s)` +
      ` · Rekognition ${f.rekognitionCalls} calls, ${f.rekognitionSaved} saved · incidents open ${f.incidentsOpen} · alerts ${f.alerts}` +
      (f.functionErrors ? ` · function errors ${f.functionErrors}` : '');
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    else if (Date.now() - last > 15_000) {
      last = Date.now();
      console.log(line);
    }
  } catch {
    // moto busy for a moment: the next tick shows the figures
  }
}, 1000);
timer.unref();
