// Benchmark: synthesizing one province vs all 34 provincial-level units, with configs generated for the benchmark.
//
// bin/app.ts reads every provinces/*.json next to itself (no option for another directory), so the benchmark copies
// the app (bin, lib, lambdas, cdk.json, package files; node_modules linked) into a temporary directory whose
// provinces/ holds 34 configs: Da Nang's sample (both modules, 3 zones, 3 sensors, 2 cameras, 4 rules) under each
// unit's code and official name from lib/config/units-vn-2025.json.
//
// Bundling is skipped in both runs: the CDK CLI forces `aws:cdk:bundling-stacks` to ["**"] for `cdk synth` (its
// own setting overrides `-c aws:cdk:bundling-stacks=[]`), so the app is run the way the CLI runs it — the command of
// cdk.json with the CLI's context in CDK_CONTEXT_JSON and CDK_OUTDIR — with that one key set to [].
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UNITS } from '../lib/config/schema.ts';
import { ROOT, median, note, round, writeResult } from './util.ts';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_SYNTH_RUNS ?? 3);

const work = mkdtempSync(join(tmpdir(), 'bench-synth-'));
try {
  for (const d of ['bin', 'lib', 'lambdas']) cpSync(join(ROOT, d), join(work, d), { recursive: true });
  for (const f of ['cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(work, f));
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  mkdirSync(join(work, 'provinces'));
  const sample = JSON.parse(readFileSync(join(ROOT, 'provinces', 'da-nang.json'), 'utf8')) as Record<string, unknown>;
  delete sample.$schema;
  for (const u of UNITS) writeFileSync(join(work, 'provinces', `${u.code}.json`), JSON.stringify({ ...sample, code: u.code, name: u.name }, null, 2));
  const provinces = readdirSync(join(work, 'provinces')).length;

  const cdkJson = JSON.parse(readFileSync(join(work, 'cdk.json'), 'utf8')) as { app: string; context: Record<string, unknown> };
  // "npx tsx bin/app.ts": run the local binary npx would find, without npx's own start-up.
  const [cmd, ...rest] = cdkJson.app.split(' ') as [string, ...string[]];
  const [exe, args] = cmd === 'npx' ? [join(ROOT, 'node_modules', '.bin', rest[0]!), rest.slice(1)] : [cmd, rest];
  /** One synthesis as the CLI would run it, bundling off; seconds of wall time. */
  const synth = async (province?: string): Promise<number> => {
    const outdir = join(work, `out-${province ?? 'all'}-${Math.random().toString(36).slice(2, 8)}`);
    const context = {
      ...cdkJson.context,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': true,
      'aws:cdk:bundling-stacks': [],
      ...(province ? { province } : {}),
    };
    const t0 = performance.now();
    try {
      await run(exe, args, {
        cwd: work,
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_DEFAULT_REGION: 'ap-southeast-1' },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (e) {
      throw new Error(`synth ${province ?? 'all'} failed: ${((e as { stderr?: string }).stderr || (e as Error).message).trim()}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json')).length;
    if (templates !== (province ? 1 : provinces)) throw new Error(`synth ${province ?? 'all'}: ${templates} templates`);
    rmSync(outdir, { recursive: true, force: true });
    return seconds;
  };

  const one: number[] = [];
  const all: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    one.push(await synth('da-nang'));
    all.push(await synth());
    note(`synth run ${r + 1}: one province ${round(one[r]!, 1)} s, all ${provinces} ${round(all[r]!, 1)} s`);
  }
  writeResult({
    provinces,
    runs: RUNS,
    bundling: 'skipped in both runs (aws:cdk:bundling-stacks = [], app run as the CLI runs it; the CLI itself cannot skip bundling for synth)',
    oneProvinceSeconds: round(median(one), 1),
    allProvincesSeconds: round(median(all), 1),
    ratio: round(median(all) / median(one), 2),
    oneProvinceRuns: one.map((x) => round(x, 1)),
    allProvincesRuns: all.map((x) => round(x, 1)),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
