// The evaluation report (báo cáo đánh giá thí điểm): provinces' KPIs → one self-contained HTML page and a Markdown summary.
import { weeksOf, type Kpis, type ProvinceLabels } from './kpis.ts';
import { REPORT_TIMEZONE, formats, type Formats, type Lang, type MessageKey } from './report-i18n.ts';
import { barChart, columnChart, escapeXml as esc, type Bar } from './svg.ts';

/** Options of {@link renderReport}. */
export interface ReportOptions {
  readonly lang: Lang;
  /** The evaluation period, ISO 8601 instants; `to` is exclusive. */
  readonly from: string;
  readonly to: string;
  /** Rule and zone names by province code (from the provinces' configs), for readable tables. */
  readonly labels?: Readonly<Record<string, ProvinceLabels>>;
  /** Where each province's figures came from: a deployed API (its URL) or the local simulated province. */
  readonly sources?: Readonly<Record<string, ReportSource>>;
  /** When the report was made (shown); absent: not shown. */
  readonly generatedAt?: string;
  /** VND per USD, to show spend in VND as well. */
  readonly vndPerUsd?: number;
  /** Sensors listed individually at most (the rest summarised). @default 10 */
  readonly maxSensorsListed?: number;
  /** Camera bars at most per province (the lowest uptimes first when there are more). @default 60 */
  readonly maxCameraBars?: number;
}

/** Where one province's KPIs were read. */
export type ReportSource = { readonly kind: 'api'; readonly url: string } | { readonly kind: 'local'; readonly speed: number };

/** The rendered report. */
export interface RenderedReport {
  readonly html: string;
  readonly markdown: string;
}

const STATUS_KEYS: Record<string, MessageKey> = {
  opened: 'statusOpened',
  open: 'statusOpened',
  acknowledged: 'statusAcknowledged',
  resolved: 'statusResolved',
  dismissed: 'statusDismissed',
  escalated: 'statusEscalated',
};

/** Derived figures of one province used by both outputs. */
interface Derived {
  readonly k: Kpis;
  readonly weeks: Array<{ week: string; count: number }>;
  readonly meanUptime: number | null;
  readonly camerasBelow90: number;
  readonly meanCompleteness: number | null;
  readonly sensorsBelow90: number;
  readonly saved: number;
  readonly savedShare: number | null;
}

function derive(k: Kpis, from: string, to: string): Derived {
  const weekIds = [...new Set([...weeksOf(from, to), ...Object.keys(k.incidents.byWeek)])].sort();
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const s = k.rekognition.saved;
  const saved = s.carried + s.inactiveHours + s.adaptiveSkip + s.tooSoon;
  return {
    k,
    weeks: weekIds.map((week) => ({ week, count: k.incidents.byWeek[week] ?? 0 })),
    meanUptime: mean(k.cameras.map((c) => c.uptime)),
    camerasBelow90: k.cameras.filter((c) => c.uptime < 0.9).length,
    meanCompleteness: mean(k.sensors.map((x) => x.completeness)),
    sensorsBelow90: k.sensors.filter((x) => x.completeness < 0.9).length,
    saved,
    savedShare: saved + k.rekognition.calls > 0 ? saved / (saved + k.rekognition.calls) : null,
  };
}

const atLocalMidnight = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: REPORT_TIMEZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso)) === '00:00:00';

/** The period as people read it: whole days "01/12/2026 – 31/12/2026" (the end is exclusive), else with times. */
function periodText(f: Formats, from: string, to: string): string {
  if (atLocalMidnight(from) && atLocalMidnight(to)) return `${f.date(from)} – ${f.date(new Date(Date.parse(to) - 1).toISOString())}`;
  return `${f.dateTime(from)} – ${f.dateTime(to)}`;
}

const sourceText = (f: Formats, s: ReportSource) => (s.kind === 'api' ? `${f.t('sourceApi')}: ${s.url}` : `${f.t('sourceLocal')} (npm run report --local, ${f.num(s.speed)}×)`);

const weekLabel = (f: Formats, week: string) => `${f.t('weekShort')}${week.slice(6)}`;
const ruleName = (f: Formats, labels: ProvinceLabels | undefined, id: string) => labels?.rules?.[id]?.[f.lang] ?? id;
const zoneName = (f: Formats, labels: ProvinceLabels | undefined, id: string) => {
  const z = labels?.zones?.[id];
  return (f.lang === 'en' ? (z?.en ?? z?.vi) : z?.vi) ?? id;
};
const statusName = (f: Formats, s: string) => (STATUS_KEYS[s] ? f.t(STATUS_KEYS[s]!) : s);

/** Renders the report for one or several provinces (side by side) in `lang`. */
export function renderReport(kpisByProvince: readonly Kpis[], options: ReportOptions): RenderedReport {
  if (kpisByProvince.length === 0) throw new Error('renderReport needs the KPIs of at least one province');
  const f = formats(options.lang);
  const d = kpisByProvince.map((k) => derive(k, options.from, options.to));
  return { html: html(d, f, options), markdown: markdown(d, f, options) };
}

// ---- summary rows, shared by HTML and Markdown

type Row = { label: string; cells: string[] };

function summaryRows(d: readonly Derived[], f: Formats, o: ReportOptions): Row[] {
  const cell = (fn: (x: Derived) => string) => d.map(fn);
  const rows: Row[] = [
    { label: f.t('incidentsTotal'), cells: cell((x) => f.num(x.k.incidents.total)) },
    { label: f.t('incidentsPerWeekMean'), cells: cell((x) => (x.weeks.length ? f.num(x.k.incidents.total / x.weeks.length, 1) : f.t('noData'))) },
    {
      label: `${f.t('timeToAcknowledge')} (${f.t('median')} / ${f.t('p90')})`,
      cells: cell((x) => `${f.duration(x.k.timeToAcknowledge.p50Seconds)} / ${f.duration(x.k.timeToAcknowledge.p90Seconds)}`),
    },
    {
      label: `${f.t('timeToResolve')} (${f.t('median')} / ${f.t('p90')})`,
      cells: cell((x) => `${f.duration(x.k.timeToResolve.p50Seconds)} / ${f.duration(x.k.timeToResolve.p90Seconds)}`),
    },
    { label: f.t('falseAlarmRate'), cells: cell((x) => f.pct(x.k.falseAlarmRate)) },
    {
      label: f.t('cameraUptimeMean'),
      cells: cell((x) => (x.meanUptime === null ? f.t('noData') : `${f.pct(x.meanUptime)} (${f.num(x.camerasBelow90)}/${f.num(x.k.cameras.length)} ${f.t('below90')})`)),
    },
    {
      label: f.t('sensorCompletenessMean'),
      cells: cell((x) => (x.meanCompleteness === null ? f.t('noData') : `${f.pct(x.meanCompleteness)} (${f.num(x.sensorsBelow90)}/${f.num(x.k.sensors.length)} ${f.t('below90')})`)),
    },
    { label: f.t('rekognitionCalls'), cells: cell((x) => f.num(x.k.rekognition.calls)) },
    { label: `${f.t('rekognitionSaved')} (${f.t('savedShare')})`, cells: cell((x) => `${f.num(x.saved)} (${x.savedShare === null ? f.t('noData') : f.pct(x.savedShare)})`) },
    {
      label: `${f.t('estimatedCost')} / ${f.t('budget')}`,
      cells: cell((x) => `${f.usd(x.k.spend.estimatedUsd)} / ${f.usd(x.k.spend.budgetUsd)} (${f.pct(x.k.spend.share)} ${f.t('budgetShare')})`),
    },
  ];
  if (o.vndPerUsd) {
    rows.push({ label: `${f.t('estimatedCost')} (VND)`, cells: cell((x) => f.vnd(x.k.spend.estimatedUsd * o.vndPerUsd!)) });
  }
  return rows;
}

// ---- charts of one province

function weeksChart(x: Derived, f: Formats, max: number): string {
  const bars: Bar[] = x.weeks.map((w) => ({ label: weekLabel(f, w.week), value: w.count, display: f.num(w.count), title: `${f.t('week')} ${w.week}: ${f.num(w.count)}` }));
  return columnChart(bars, { ariaLabel: `${f.t('incidentsPerWeek')} — ${x.k.province.name}`, max });
}

function responseChart(x: Derived, f: Formats, max: number): string {
  const t = x.k;
  const bar = (label: string, s: number | null, cls?: string): Bar => ({ label, value: s ?? 0, display: f.duration(s), ...(cls ? { cls } : {}) });
  return barChart(
    [
      bar(`${f.t('timeToAcknowledge')} · ${f.t('median')}`, t.timeToAcknowledge.p50Seconds),
      bar(`${f.t('timeToAcknowledge')} · ${f.t('p90')}`, t.timeToAcknowledge.p90Seconds, 'muted'),
      bar(`${f.t('timeToResolve')} · ${f.t('median')}`, t.timeToResolve.p50Seconds),
      bar(`${f.t('timeToResolve')} · ${f.t('p90')}`, t.timeToResolve.p90Seconds, 'muted'),
    ],
    { ariaLabel: `${f.t('response')} — ${t.province.name}`, labelWidth: 230, max },
  );
}

function uptimeChart(x: Derived, f: Formats, max: number): string {
  const cams = [...x.k.cameras];
  const shown = cams.length > max ? cams.sort((a, b) => a.uptime - b.uptime).slice(0, max) : cams;
  const bars: Bar[] = shown.map((c) => ({
    label: c.id,
    value: c.uptime,
    display: f.pct(c.uptime),
    title: `${c.id}: ${f.num(c.framesReceived)} / ${f.num(c.framesExpected)} (${f.pct(c.uptime)})`,
    ...(c.uptime < 0.9 ? { cls: 'warn' } : {}),
  }));
  const more = cams.length > max ? `<p class="note">${esc(f.t('more', { n: f.num(cams.length - max) }))}</p>` : '';
  return barChart(bars, { ariaLabel: `${f.t('cameraUptime')} — ${x.k.province.name}`, max: 1 }) + more;
}

function rekognitionChart(x: Derived, f: Formats, max: number): string {
  const r = x.k.rekognition;
  const bars: Bar[] = [
    { label: f.t('callsMade'), value: r.calls, display: f.num(r.calls) },
    { label: f.t('savedCarried'), value: r.saved.carried, display: f.num(r.saved.carried), cls: 'saved' },
    { label: f.t('savedInactiveHours'), value: r.saved.inactiveHours, display: f.num(r.saved.inactiveHours), cls: 'saved' },
    { label: f.t('savedAdaptiveSkip'), value: r.saved.adaptiveSkip, display: f.num(r.saved.adaptiveSkip), cls: 'saved' },
    { label: f.t('savedTooSoon'), value: r.saved.tooSoon, display: f.num(r.saved.tooSoon), cls: 'saved' },
  ];
  return barChart(bars, { ariaLabel: `${f.t('rekognition')} — ${x.k.province.name}`, max });
}

function spendChart(x: Derived, f: Formats, max: number): string {
  const s = x.k.spend;
  return barChart(
    [
      { label: f.t('estimatedCost'), value: s.estimatedUsd, display: f.usd(s.estimatedUsd), ...(s.estimatedUsd > s.budgetUsd ? { cls: 'warn' } : {}) },
      { label: f.t('budget'), value: s.budgetUsd, display: f.usd(s.budgetUsd), cls: 'budget' },
    ],
    { ariaLabel: `${f.t('spend')} — ${x.k.province.name}`, max },
  );
}

// ---- HTML

const CSS = `
:root{--ink:#1a202c;--muted:#4a5568;--line:#e2e8f0;--bar:#2b6cb0;--saved:#2f855a;--warn:#c05621;--budget:#a0aec0}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);margin:0 auto;max-width:1280px;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:32px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:1.05em;margin:8px 0}
.meta{color:var(--muted);margin:0}table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.cols{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:24px}
.col{min-width:0}.note{color:var(--muted);font-size:.9em}.chart{max-width:100%;height:auto}.chart text{font-size:12px;fill:var(--muted)}
.chart .axis{stroke:var(--line)}.bar{fill:var(--bar)}.bar.saved{fill:var(--saved)}.bar.warn{fill:var(--warn)}.bar.budget{fill:var(--budget)}.bar.muted{fill:#90cdf4}
@media print{body{padding:0}h2{break-after:avoid}.col{break-inside:avoid}}
@media (max-width:800px){.cols{grid-template-columns:1fr}}`;

function html(d: readonly Derived[], f: Formats, o: ReportOptions): string {
  const names = d.map((x) => x.k.province.name);
  const period = periodText(f, o.from, o.to);
  const cols = (fn: (x: Derived) => string) =>
    `<div class="cols" style="--n:${d.length}">${d.map((x) => `<div class="col"><h3>${esc(x.k.province.name)}</h3>${fn(x)}</div>`).join('')}</div>`;
  const countsTable = (head: string, counts: Record<string, number>, name: (id: string) => string) => {
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (entries.length === 0) return `<p class="note">${esc(f.t('noIncidents'))}</p>`;
    return `<table><thead><tr><th>${esc(head)}</th><th class="n">${esc(f.t('count'))}</th></tr></thead><tbody>${entries
      .map(([id, n]) => `<tr><td>${esc(name(id))}</td><td class="n">${esc(f.num(n))}</td></tr>`)
      .join('')}</tbody></table>`;
  };
  const labelsOf = (x: Derived) => o.labels?.[x.k.province.code];
  const maxSensors = o.maxSensorsListed ?? 10;

  const summary = summaryRows(d, f, o);
  // One scale per chart across provinces, so side-by-side bars compare.
  const most = (fn: (x: Derived) => number[]) => Math.max(0, ...d.flatMap(fn));
  const scale = {
    weeks: most((x) => x.weeks.map((w) => w.count)),
    response: most((x) => [x.k.timeToAcknowledge.p90Seconds ?? 0, x.k.timeToResolve.p90Seconds ?? 0, x.k.timeToAcknowledge.p50Seconds ?? 0, x.k.timeToResolve.p50Seconds ?? 0]),
    rekognition: most((x) => { const s = x.k.rekognition.saved; return [x.k.rekognition.calls, s.carried, s.inactiveHours, s.adaptiveSkip, s.tooSoon]; }),
    spend: most((x) => [x.k.spend.estimatedUsd, x.k.spend.budgetUsd]),
  };
  const body = [
    `<header><h1>${esc(f.t('title'))}</h1>`,
    `<p class="meta">${esc(names.join(' · '))}</p>`,
    `<p class="meta">${esc(f.t('period'))}: ${esc(period)}${o.generatedAt ? ` · ${esc(f.t('generated'))}: ${esc(f.dateTime(o.generatedAt))}` : ''}</p></header>`,
    `<section id="summary"><h2>${esc(f.t('summary'))}</h2><table class="compare"><thead><tr><th>${esc(f.t('indicator'))}</th>${names
      .map((n) => `<th class="n">${esc(n)}</th>`)
      .join('')}</tr></thead><tbody>${summary.map((r) => `<tr><th>${esc(r.label)}</th>${r.cells.map((c) => `<td class="n">${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></section>`,
    `<section id="incidents"><h2>${esc(f.t('incidentsPerWeek'))}</h2>${cols((x) => weeksChart(x, f, scale.weeks))}`,
    `<h2>${esc(f.t('byRule'))}</h2>${cols((x) => countsTable(f.t('rule'), x.k.incidents.byRule, (id) => ruleName(f, labelsOf(x), id)))}`,
    `<h2>${esc(f.t('byZone'))}</h2>${cols((x) => countsTable(f.t('zone'), x.k.incidents.byZone, (id) => zoneName(f, labelsOf(x), id)))}`,
    `<h2>${esc(f.t('byStatus'))}</h2>${cols((x) => countsTable(f.t('status'), x.k.incidents.byStatus, (s) => statusName(f, s)))}</section>`,
    `<section id="response"><h2>${esc(f.t('response'))}</h2>${cols(
      (x) => `${responseChart(x, f, scale.response)}<p>${esc(f.t('falseAlarmRate'))}: <strong>${esc(f.pct(x.k.falseAlarmRate))}</strong> <span class="note">(${esc(f.t('falseAlarmNote'))})</span></p>`,
    )}</section>`,
    `<section id="cameras"><h2>${esc(f.t('cameraUptime'))}</h2><p class="note">${esc(f.t('uptimeNote'))}</p>${cols((x) =>
      x.k.cameras.length === 0 ? `<p class="note">${esc(f.t('noCameras'))}</p>` : uptimeChart(x, f, o.maxCameraBars ?? 60),
    )}</section>`,
    `<section id="sensors"><h2>${esc(f.t('sensorCompleteness'))}</h2>${cols((x) => {
      if (x.k.sensors.length === 0) return `<p class="note">${esc(f.t('noSensors'))}</p>`;
      const lowest = [...x.k.sensors].sort((a, b) => a.completeness - b.completeness || a.id.localeCompare(b.id)).slice(0, maxSensors);
      return `<p>${esc(f.t('sensorCompletenessMean'))}: <strong>${esc(f.pct(x.meanCompleteness ?? 0))}</strong> · ${esc(f.num(x.sensorsBelow90))}/${esc(f.num(x.k.sensors.length))} ${esc(
        f.t('below90'),
      )}</p><table><caption class="note">${esc(f.t('lowestSensors'))}</caption><thead><tr><th>${esc(f.t('sensor'))}</th><th class="n">${esc(f.t('readings'))}</th><th class="n">${esc(
        f.t('readingsExpected'),
      )}</th><th class="n">${esc(f.t('completeness'))}</th></tr></thead><tbody>${lowest
        .map((s) => `<tr><td>${esc(s.id)}</td><td class="n">${esc(f.num(s.readings))}</td><td class="n">${esc(f.num(s.expected))}</td><td class="n">${esc(f.pct(s.completeness))}</td></tr>`)
        .join('')}</tbody></table>`;
    })}</section>`,
    `<section id="rekognition"><h2>${esc(f.t('rekognition'))}</h2>${cols(
      (x) =>
        `${rekognitionChart(x, f, scale.rekognition)}<p>${esc(f.t('savedShare'))}: <strong>${esc(x.savedShare === null ? f.t('noData') : f.pct(x.savedShare))}</strong> · ${esc(f.t('capped'))}: ${esc(
          f.num(x.k.rekognition.capped),
        )}</p>`,
    )}</section>`,
    `<section id="spend"><h2>${esc(f.t('spend'))}</h2><p class="note">${esc(f.t('spendNote'))}</p>${cols(
      (x) =>
        `${spendChart(x, f, scale.spend)}<p>${esc(f.pct(x.k.spend.share))} ${esc(f.t('budgetShare'))}${o.vndPerUsd ? ` · ${esc(f.t('estimatedCost'))} ≈ ${esc(f.vnd(x.k.spend.estimatedUsd * o.vndPerUsd))}` : ''}</p>`,
    )}</section>`,
    `<footer><h2>${esc(f.t('notes'))}</h2><p class="note">${esc(f.t('noteGenerated'))}</p>${
      o.sources ? `<ul class="note">${d.map((x) => `<li>${esc(x.k.province.name)}: ${o.sources?.[x.k.province.code] ? esc(sourceText(f, o.sources[x.k.province.code]!)) : ''}</li>`).join('')}</ul>` : ''
    }</footer>`,
  ];
  return `<!doctype html>
<html lang="${f.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${f.t('title')} — ${names.join(', ')}`)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

// ---- Markdown

/** Escapes text for a Markdown table cell or line. */
function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([*_`[\]<>])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function markdown(d: readonly Derived[], f: Formats, o: ReportOptions): string {
  const names = d.map((x) => x.k.province.name);
  const out: string[] = [];
  out.push(`# ${md(f.t('title'))}`, '');
  out.push(`${md(f.t('period'))}: ${periodText(f, o.from, o.to)}${o.generatedAt ? ` · ${md(f.t('generated'))}: ${f.dateTime(o.generatedAt)}` : ''}`, '');
  out.push(`## ${md(f.t('summary'))}`, '');
  out.push(`| ${md(f.t('indicator'))} | ${names.map(md).join(' | ')} |`);
  out.push(`|---|${names.map(() => '---:').join('|')}|`);
  for (const r of summaryRows(d, f, o)) out.push(`| ${md(r.label)} | ${r.cells.map(md).join(' | ')} |`);
  out.push('');
  out.push(`## ${md(f.t('perProvince'))}`);
  for (const x of d) {
    const labels = o.labels?.[x.k.province.code];
    out.push('', `### ${md(x.k.province.name)}`, '');
    const list = (title: string, counts: Record<string, number>, name: (id: string) => string) => {
      const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      out.push(`**${md(title)}:** ${entries.length ? entries.map(([id, n]) => `${md(name(id))} ${f.num(n)}`).join(' · ') : md(f.t('noIncidents'))}`, '');
    };
    list(f.t('incidentsPerWeek'), Object.fromEntries(x.weeks.map((w) => [`${f.t('week')} ${w.week}`, w.count])), (id) => id);
    list(f.t('byRule'), x.k.incidents.byRule, (id) => ruleName(f, labels, id));
    list(f.t('byZone'), x.k.incidents.byZone, (id) => zoneName(f, labels, id));
    list(f.t('byStatus'), x.k.incidents.byStatus, (s) => statusName(f, s));
    const r = x.k.rekognition;
    out.push(
      `**${md(f.t('rekognition'))}:** ${md(f.t('callsMade'))} ${f.num(r.calls)} · ${md(f.t('savedCarried'))} ${f.num(r.saved.carried)} · ${md(f.t('savedInactiveHours'))} ${f.num(
        r.saved.inactiveHours,
      )} · ${md(f.t('savedAdaptiveSkip'))} ${f.num(r.saved.adaptiveSkip)} · ${md(f.t('savedTooSoon'))} ${f.num(r.saved.tooSoon)} · ${md(f.t('capped'))} ${f.num(r.capped)}`,
      '',
    );
    const low = x.k.cameras.filter((c) => c.uptime < 0.9);
    if (low.length) out.push(`**${md(f.t('cameraUptime'))} (${md(f.t('below90'))}):** ${low.map((c) => `${md(c.id)} ${f.pct(c.uptime)}`).join(' · ')}`, '');
    if (o.sources?.[x.k.province.code]) out.push(`${md(f.t('source'))}: ${md(sourceText(f, o.sources[x.k.province.code]!))}`, '');
  }
  out.push(`---`, '', md(f.t('noteGenerated')), '');
  return out.join('\n');
}
