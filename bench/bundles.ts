// Benchmark: each Lambda bundle's minified size and the median time a fresh Node.js process takes to import it
// (the init a cold start pays), next to an empty module's, from one `cdk synth` of da-nang with bundling.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, median, note, round, writeResult } from './util.ts';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 5);
const PROVINCE = 'da-nang';

interface Fn {
  readonly service: string;
  readonly file: string;
  readonly nodeOptions: string[];
  readonly env: Record<string, string>;
}

// 1. One synth with bundling, exactly as `npm run synth` / `npm start` do it (into cdk.out).
note(`cdk synth -c province=${PROVINCE} (with bundling)…`);
const t0 = performance.now();
try {
  await run(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '-c', `province=${PROVINCE}`, '--quiet'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
} catch (e) {
  const err = e as { stderr?: string; message: string };
  throw new Error(`cdk synth failed: ${(err.stderr || err.message).trim()}`);
}
const synthSeconds = (performance.now() - t0) / 1000;

// 2. Each function's bundle, named by its POWERTOOLS_SERVICE_NAME, with the environment Lambda would give it.
const cdkOut = join(ROOT, 'cdk.out');
const template = JSON.parse(readFileSync(join(cdkOut, `SmartCity-${PROVINCE}.template.json`), 'utf8')) as {
  Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string }; Environment?: { Variables?: Record<string, unknown> } } }>;
};
const fns: Fn[] = [];
for (const r of Object.values(template.Resources)) {
  if (r.Type !== 'AWS::Lambda::Function' || !r.Properties.Code?.S3Key) continue;
  const vars = r.Properties.Environment?.Variables ?? {};
  const literal = Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const hash = r.Properties.Code.S3Key.replace(/\.zip$/, '');
  fns.push({
    service: String(vars.POWERTOOLS_SERVICE_NAME ?? hash.slice(0, 12)),
    file: join(cdkOut, `asset.${hash}`, 'index.mjs'),
    nodeOptions: (literal.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean),
    env: literal,
  });
}
if (fns.length === 0) throw new Error('no bundled function in the template');

// 3. Fresh processes, interleaved (function by function, run by run) so drifting machine load hits all alike.
const dir = mkdtempSync(join(tmpdir(), 'bench-empty-'));
const empty = join(dir, 'empty.mjs');
writeFileSync(empty, '');
const timer = join(ROOT, 'bench', 'import-timer.mjs');
const lambdaEnv = (extra: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  TZ: 'UTC',
  LANG: 'en_US.UTF-8',
  AWS_REGION: 'ap-southeast-1',
  AWS_DEFAULT_REGION: 'ap-southeast-1',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  ...extra,
  NODE_OPTIONS: '',
});
async function importMs(file: string, nodeOptions: string[], env: Record<string, string>): Promise<number> {
  const { stdout } = await run(process.execPath, [...nodeOptions, timer, file], { env: lambdaEnv(env), cwd: dir });
  return Number(stdout.trim());
}

const times = new Map<string, { init: number[]; plain: number[] }>(fns.map((f) => [f.service, { init: [], plain: [] }]));
const emptyTimes = { init: [] as number[], plain: [] as number[] };
const sourceMaps = fns[0]!.nodeOptions;
try {
  for (let r = 0; r < RUNS; r++) {
    emptyTimes.init.push(await importMs(empty, sourceMaps, {}));
    emptyTimes.plain.push(await importMs(empty, [], {}));
    for (const f of fns) {
      const t = times.get(f.service)!;
      t.init.push(await importMs(f.file, f.nodeOptions, f.env));
      t.plain.push(await importMs(f.file, [], f.env));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const emptyInitMs = round(median(emptyTimes.init), 1);
const bundles = fns.map((f) => {
  const t = times.get(f.service)!;
  return {
    function: f.service,
    bytes: statSync(f.file).size,
    initMs: round(median(t.init), 1),
    emptyInitMs,
    initMsWithoutSourceMaps: round(median(t.plain), 1),
    emptyInitMsWithoutSourceMaps: round(median(emptyTimes.plain), 1),
  };
});
for (const b of bundles) note(`${b.function}: ${(b.bytes / 1e6).toFixed(2)} MB, import ${b.initMs} ms (empty ${b.emptyInitMs} ms)`);
writeResult({ province: PROVINCE, nodeOptions: sourceMaps.join(' '), runs: RUNS, cliSynthWithBundlingSeconds: round(synthSeconds, 1), bundles });
