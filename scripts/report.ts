// `npm run report -- --province <code> … --from … --to …`: the pilot evaluation report (HTML with charts + Markdown)
// from each province's GET /kpis — a deployed API (--api/--token) or the local province run for the period (--local).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadProvinceConfig } from '../lib/config/load.ts';
import type { ProvinceConfig } from '../lib/config/schema.ts';
import { KpiFetchError, fetchKpis } from '../lib/economics/kpi-client.ts';
import type { Kpis, ProvinceLabels } from '../lib/economics/kpis.ts';
import { DEFAULT_PRICES_FILE, loadPriceFile } from '../lib/economics/prices.ts';
import { REPORT_USAGE, ReportUsageError, parseReportArgs, type ReportArgs, type ReportTarget } from '../lib/economics/report-args.ts';
import { renderReport, type ReportSource } from '../lib/economics/report.ts';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const progress = (line: string) => process.stderr.write(`report: ${line}\n`);

/** Rule titles and zone names from the province's config, when the repository has it. */
function labelsOf(code: string): ProvinceLabels | undefined {
  const file = join(ROOT, 'provinces', `${code}.json`);
  if (!existsSync(file)) return undefined;
  const c: ProvinceConfig = loadProvinceConfig(file);
  return {
    rules: Object.fromEntries(c.rules.map((r) => [r.id, r.title])),
    zones: Object.fromEntries(c.zones.map((z) => [z.id, { vi: z.name, ...(z.nameEn ? { en: z.nameEn } : {}) }])),
  };
}

async function fromApi(t: ReportTarget, args: ReportArgs, step: string): Promise<Kpis> {
  progress(`${step} ${t.code}: GET ${t.api!.replace(/\/$/, '')}/kpis`);
  return fetchKpis({ province: t.code, api: t.api!, token: t.token!, from: args.from, to: args.to });
}

/** Brings the province up locally with simulated devices from `from`, runs until `to`, reads GET /kpis, stops. */
async function fromLocal(t: ReportTarget, args: ReportArgs, step: string): Promise<Kpis> {
  const { startSession } = await import('../local/session.ts');
  const span = Date.parse(args.to) - Date.parse(args.from);
  const wallMinutes = span / 1000 / args.speed / 60;
  progress(`${step} ${t.code}: starting the local province (simulating ${(span / 3_600_000).toFixed(1)} h at ${args.speed}× ≈ ${wallMinutes.toFixed(1)} min)…`);
  const quiet: string[] = [];
  const session = await startSession({
    code: t.code,
    speed: args.speed,
    simStart: new Date(args.from),
    simulate: true,
    episodes: true,
    skipSynth: args.skipSynth,
    log: (l) => {
      quiet.push(l);
      if (quiet.length > 200) quiet.shift();
    },
  });
  try {
    const clock = session.province.clock;
    let lastShown = 0;
    const end = Date.parse(args.to);
    while (clock.now().getTime() < end) {
      await new Promise((r) => setTimeout(r, 500));
      if (Date.now() - lastShown > 5000) {
        lastShown = Date.now();
        const done = Math.min(1, (clock.now().getTime() - Date.parse(args.from)) / span);
        const f = await session.figures().catch(() => undefined);
        progress(
          `${step} ${t.code}: simulated ${clock.now().toISOString().slice(0, 16)}Z (${Math.round(done * 100)}%)` +
            (f ? ` · frames ${f.framesSent} · events ${f.eventsSent} · Rekognition calls ${f.rekognitionCalls} · open incidents ${f.incidentsOpen}` : ''),
        );
      }
    }
    progress(`${step} ${t.code}: reading GET /kpis`);
    const token = await session.province.token('operator', 'report');
    return await fetchKpis({ province: t.code, api: session.province.apiUrl, token, from: args.from, to: args.to });
  } catch (e) {
    if (quiet.length) process.stderr.write(`last lines of the local province:\n${quiet.slice(-20).join('\n')}\n`);
    throw e;
  } finally {
    progress(`${step} ${t.code}: stopping the local province`);
    await session.stop();
  }
}

let exitCode = 0;
try {
  const args = parseReportArgs(process.argv.slice(2), process.env);
  const kpis: Kpis[] = [];
  const labels: Record<string, ProvinceLabels> = {};
  const sources: Record<string, ReportSource> = {};
  for (const [i, t] of args.provinces.entries()) {
    const step = `[${i + 1}/${args.provinces.length}]`;
    const l = labelsOf(t.code);
    if (l) labels[t.code] = l;
    kpis.push(args.local ? await fromLocal(t, args, step) : await fromApi(t, args, step));
    sources[t.code] = args.local ? { kind: 'local', speed: args.speed } : { kind: 'api', url: t.api! };
  }
  progress(`writing the report (${args.lang})`);
  const vndPerUsd = existsSync(DEFAULT_PRICES_FILE) ? loadPriceFile().exchange.vndPerUsd : undefined;
  const { html, markdown } = renderReport(kpis, { lang: args.lang, from: args.from, to: args.to, labels, sources, generatedAt: new Date().toISOString(), vndPerUsd });
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'report.html'), html);
  writeFileSync(join(args.out, 'report.md'), markdown);
  console.log(`${join(args.out, 'report.html')}\n${join(args.out, 'report.md')}`);
} catch (e) {
  if (e instanceof ReportUsageError) {
    console.error(`npm run report: ${e.message}\n\n${REPORT_USAGE}`);
    exitCode = 2;
  } else if (e instanceof KpiFetchError || e instanceof ConfigError) {
    console.error(`npm run report: ${e.message}`);
    exitCode = 1;
  } else {
    console.error(`npm run report: ${(e as Error).stack ?? String(e)}`);
    exitCode = 1;
  }
}
// The local province's workers and sockets may keep the event loop alive: leave explicitly.
process.exit(exitCode);
