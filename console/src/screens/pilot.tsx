// Pilot: the evaluation indicators of GET /kpis ("chưa có dữ liệu" while the API has none, or no such route yet),
// today's image-analysis usage against its cap, and the board's counts right now.
import type { ComponentChildren } from 'preact';
import { isMissing } from '../api.ts';
import { LoadState } from '../components/load-state.tsx';
import { useApp } from '../context.ts';
import { usePoll } from '../hooks.ts';
import { cap, useI18n, type I18n } from '../i18n/index.ts';
import type { Incident, Page, VersionedRule, VisionUsage } from '../types.ts';

type Percentiles = { count: number; p50Seconds: number | null; p90Seconds: number | null };

/** GET /kpis, every part optional: the console shows what is there. */
export interface Kpis {
  readonly from?: string;
  readonly to?: string;
  readonly incidents?: {
    total?: number;
    byRule?: Record<string, number>;
    byZone?: Record<string, number>;
    byWeek?: Record<string, number>;
    byStatus?: Record<string, number>;
  };
  readonly timeToAcknowledge?: Percentiles;
  readonly timeToResolve?: Percentiles;
  readonly falseAlarmRate?: number | null;
  readonly cameras?: Array<{ id: string; framesReceived: number; framesExpected: number; uptime: number }>;
  readonly sensors?: Array<{ id: string; readings: number; expected: number; completeness: number }>;
  readonly rekognition?: { calls?: number; saved?: Record<string, number>; capped?: number };
  readonly spend?: { estimatedUsd?: number; budgetUsd?: number; share?: number };
}

const SAVED_OUTCOMES = ['carried', 'inactiveHours', 'adaptiveSkip', 'tooSoon'];

const percent = (i18n: I18n, x: number) => `${i18n.num(Math.round(x * 1000) / 10)} %`;
const minutes = (i18n: I18n, s: number | null | undefined) => (s === null || s === undefined ? i18n.m.pilot.noData : i18n.f(i18n.m.pilot.minutes, { n: i18n.num(Math.round(s / 6) / 10) }));

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function PilotScreen() {
  const { api, modules, zones } = useApp();
  const i18n = useI18n();
  const { m, f } = i18n;
  const data = usePoll(
    async () => {
      const [kpis, usage, open, acknowledged, rules] = await Promise.all([
        api.get<Kpis>('/kpis').catch((e) => (isMissing(e) ? null : Promise.reject(e))),
        modules.crowd ? api.get<VisionUsage>('/vision/usage').catch(() => null) : Promise.resolve(null),
        api.get<Page<Incident>>('/incidents', { status: 'open', limit: 200 }),
        api.get<Page<Incident>>('/incidents', { status: 'acknowledged', limit: 200 }),
        api.get<{ items: VersionedRule[] }>('/rules'),
      ]);
      return { kpis, usage, open: open.items.length, acknowledged: acknowledged.items.length, rules: rules.items };
    },
    30_000,
    [],
  );
  const d = data.data;
  const k = d?.kpis ?? undefined;
  const ruleTitle = (id: string) => i18n.pick(d?.rules.find((r) => r.rule.id === id)?.rule.title, id);
  const zoneName = (id: string) => {
    const z = zones.get(id);
    return z ? (i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name) : id;
  };
  const usage = d?.usage as (VisionUsage & { outcomes?: Record<string, number> }) | null | undefined;
  const savedToday = usage ? SAVED_OUTCOMES.reduce((s, o) => s + (usage.outcomes?.[o] ?? 0), 0) : 0;
  const savedPeriod = k?.rekognition?.saved ? SAVED_OUTCOMES.reduce((s, o) => s + (k.rekognition!.saved![o] ?? 0), 0) : undefined;
  const hasKpis = k !== undefined && (k.incidents?.total ?? 0) + (k.rekognition?.calls ?? 0) + (k.cameras?.length ?? 0) + (k.sensors?.length ?? 0) > 0;
  const counts = (rec: Record<string, number> | undefined, label: (id: string) => string) =>
    rec && Object.keys(rec).length ? (
      <ul class="plain-list">
        {Object.entries(rec).map(([id, n]) => (
          <li key={id}>
            {label(id)}: <strong>{i18n.num(n)}</strong>
          </li>
        ))}
      </ul>
    ) : (
      m.pilot.noData
    );

  return (
    <section class="screen" aria-labelledby="pilot-title">
      <header class="screen-head">
        <h1 id="pilot-title">{m.pilot.title}</h1>
        {k?.from && k.to && <p class="screen-sub">{f(m.pilot.period, { from: i18n.time(k.from), to: i18n.time(k.to) })}</p>}
      </header>
      <LoadState loading={data.loading} error={data.error} hasData={d !== undefined} reload={data.reload} />
      {d && (
        <div class="cards">
          <section class="card card-wide" aria-labelledby="kpi-title">
            <h2 id="kpi-title">{m.pilot.kpis}</h2>
            {!hasKpis ? (
              <>
                <p class="big muted" data-testid="kpi-empty">
                  {m.pilot.noData}
                </p>
                <p class="hint">{m.pilot.noDataHint}</p>
              </>
            ) : (
              <dl class="kv" data-testid="kpis">
                <Row label={m.pilot.total}>{i18n.num(k!.incidents?.total ?? 0)}</Row>
                {k!.incidents?.byStatus && (
                  <Row label={m.board.status}>
                    {Object.entries(k!.incidents.byStatus)
                      .map(([s, n]) => `${s === 'opened' ? m.pilot.opened : i18n.status(s)}: ${i18n.num(n)}`)
                      .join(' · ')}
                  </Row>
                )}
                <Row label={m.pilot.byRule}>{counts(k!.incidents?.byRule, ruleTitle)}</Row>
                <Row label={m.pilot.byZone}>{counts(k!.incidents?.byZone, zoneName)}</Row>
                <Row label={m.pilot.byWeek}>{counts(k!.incidents?.byWeek, (w) => w)}</Row>
                {(['timeToAcknowledge', 'timeToResolve'] as const).map((key) => (
                  <Row key={key} label={m.pilot[key]}>
                    {k![key] && k![key]!.count > 0
                      ? `${m.pilot.p50} ${minutes(i18n, k![key]!.p50Seconds)} · ${m.pilot.p90} ${minutes(i18n, k![key]!.p90Seconds)} (${f(m.pilot.samples, { n: k![key]!.count })})`
                      : m.pilot.noData}
                  </Row>
                ))}
                <Row label={m.pilot.falseAlarmRate}>
                  {typeof k!.falseAlarmRate === 'number' && (k!.incidents?.byStatus?.resolved ?? 0) + (k!.incidents?.byStatus?.dismissed ?? 0) > 0 ? percent(i18n, k!.falseAlarmRate) : m.pilot.noData}
                </Row>
                {k!.cameras && k!.cameras.length > 0 && (
                  <Row label={m.pilot.cameras}>
                    <ul class="plain-list">
                      {k!.cameras.map((c) => (
                        <li key={c.id}>
                          {c.id}: <strong>{percent(i18n, c.uptime)}</strong> ({f(m.pilot.frames, { received: i18n.num(c.framesReceived), expected: i18n.num(c.framesExpected) })})
                        </li>
                      ))}
                    </ul>
                  </Row>
                )}
                {k!.sensors && k!.sensors.length > 0 && (
                  <Row label={m.pilot.sensors}>
                    <ul class="plain-list">
                      {k!.sensors.map((s) => (
                        <li key={s.id}>
                          {s.id}: <strong>{percent(i18n, s.completeness)}</strong> ({f(m.pilot.readings, { received: i18n.num(s.readings), expected: i18n.num(s.expected) })})
                        </li>
                      ))}
                    </ul>
                  </Row>
                )}
                {k!.rekognition && (
                  <Row label={m.pilot.rekognition}>
                    <ul class="plain-list">
                      <li>
                        {m.pilot.calls}: <strong>{i18n.num(k!.rekognition.calls ?? 0)}</strong>
                      </li>
                      <li>
                        {m.pilot.saved}: <strong>{i18n.num(savedPeriod ?? 0)}</strong>
                      </li>
                      <li>
                        {m.pilot.capped}: <strong>{i18n.num(k!.rekognition.capped ?? 0)}</strong>
                      </li>
                    </ul>
                  </Row>
                )}
                {k!.spend && (
                  <Row label={m.pilot.spend}>
                    {f(m.pilot.spendValue, { usd: i18n.num(k!.spend.estimatedUsd ?? 0), budget: i18n.num(k!.spend.budgetUsd ?? 0), share: percent(i18n, k!.spend.share ?? 0) })}
                  </Row>
                )}
              </dl>
            )}
          </section>
          <section class="card" aria-labelledby="now-title">
            <h2 id="now-title">{m.pilot.board}</h2>
            <dl class="kv">
              <Row label={cap(m.pilot.openNow)}>{i18n.num(d.open)}</Row>
              <Row label={m.pilot.acknowledgedNow}>{i18n.num(d.acknowledged)}</Row>
            </dl>
          </section>
          {usage && (
            <section class="card" aria-labelledby="usage-title">
              <h2 id="usage-title">{f(m.pilot.usage, { date: usage.date ?? '' })}</h2>
              <dl class="kv">
                <Row label={m.pilot.calls}>{i18n.num(usage.calls)}</Row>
                <Row label={m.pilot.cap}>{i18n.num(usage.cap)}</Row>
                <Row label={m.pilot.remaining}>{i18n.num(usage.remaining)}</Row>
                <Row label={m.pilot.saved}>{i18n.num(savedToday)}</Row>
              </dl>
              <meter min={0} max={usage.cap || 1} value={usage.calls} aria-label={m.pilot.calls} />
            </section>
          )}
        </div>
      )}
    </section>
  );
}
