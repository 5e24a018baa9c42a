// The zone view: people counted by the zone's cameras over time, the crowd rules' thresholds as lines and the
// zone's incidents shaded on the time axis.
import { useMemo, useState } from 'preact/hooks';
import { Chart, type ChartBand, type ChartSeries, type ChartThreshold } from '../components/chart.tsx';
import { SeverityBadge, StatusBadge } from '../components/badges.tsx';
import { LoadState } from '../components/load-state.tsx';
import { useApp } from '../context.ts';
import { hrefOf, usePoll } from '../hooks.ts';
import { useI18n } from '../i18n/index.ts';
import { RANGES, loadSeries, type RangeKey } from '../series.ts';
import type { Incident, Page, VersionedRule } from '../types.ts';

export const ZONE_POLL_MS = 15_000;

/** The range picker shared by the zone and sensor charts. */
export function RangePicker({ value, onChange, name }: { value: RangeKey; onChange: (r: RangeKey) => void; name: string }) {
  const { m } = useI18n();
  return (
    <fieldset class="range-picker">
      <legend>{m.zones.range}</legend>
      {(Object.keys(RANGES) as RangeKey[]).map((r) => (
        <label key={r} class="radio">
          <input type="radio" name={name} value={r} checked={value === r} onChange={() => onChange(r)} /> {m.zones.ranges[r]}
        </label>
      ))}
    </fieldset>
  );
}

export function ZonesScreen({ zoneId }: { zoneId?: string }) {
  const { api, zones } = useApp();
  const i18n = useI18n();
  const { m, f } = i18n;
  const list = [...zones.values()];
  const zone = zones.get(zoneId ?? '') ?? list[0];
  const [range, setRange] = useState<RangeKey>('h1');
  const name = (z: { name: string; nameEn?: string }) => (i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name);

  const data = usePoll(
    async () => {
      if (!zone) return undefined;
      const [series, incidents, rules] = await Promise.all([
        loadSeries(api, { zone: zone.id }, RANGES[range]),
        api.get<Page<Incident>>('/incidents', { zone: zone.id, limit: 50 }),
        api.get<{ items: VersionedRule[] }>('/rules'),
      ]);
      return { series, incidents: incidents.items, rules: rules.items };
    },
    ZONE_POLL_MS,
    [zone?.id, range],
  );

  const chart = useMemo(() => {
    const d = data.data;
    if (!d || !zone || d.series.end === undefined) return undefined;
    const people = d.series.items.filter((o) => o.kind === 'people_count');
    const bySource = new Map<string, Array<[number, number]>>();
    for (const o of people) {
      const pts = bySource.get(o.source) ?? [];
      pts.push([Date.parse(o.ts), o.value]);
      bySource.set(o.source, pts);
    }
    const series: ChartSeries[] = [...bySource.entries()].map(([label, points]) => ({ label, points }));
    const thresholds: ChartThreshold[] = d.rules
      .map((r) => r.rule)
      .filter((r) => r.kind === 'crowd' && r.zone === zone.id && r.enabled)
      .map((r) => {
        const n = (r as { minPeople: number }).minPeople;
        return { value: n, label: f(m.zones.threshold, { n, rule: i18n.pick(r.title) }), short: f(m.zones.thresholdShort, { n }) };
      });
    const end = d.series.end;
    const start = d.series.start!;
    const bands: ChartBand[] = d.incidents
      .filter((x) => x.ruleKind === 'crowd')
      .map((x) => ({
        from: Date.parse(x.openedAt),
        to: Date.parse(x.resolvedAt ?? x.dismissedAt ?? (x.status === 'open' || x.status === 'acknowledged' ? new Date(end).toISOString() : x.lastSeenAt)),
        label: `${i18n.pick(x.title)} (${i18n.status(x.status)})`,
      }))
      .filter((b) => b.to >= start && b.from <= end);
    let max: [number, number] | undefined;
    let last: [number, number] | undefined;
    for (const o of people) {
      const t = Date.parse(o.ts);
      if (!max || o.value > max[1]) max = [t, o.value];
      if (!last || t > last[0]) last = [t, o.value];
    }
    return { series, thresholds, bands, start, end, max, last };
  }, [data.data, zone?.id, i18n]);

  if (!zone) return <p class="empty">{m.app.none}</p>;
  return (
    <section class="screen" aria-labelledby="zones-title">
      <header class="screen-head">
        <h1 id="zones-title">
          {m.zones.title}: {name(zone)}
        </h1>
        <p class="screen-sub">{f(m.zones.sources, { list: zone.cameras.join(', ') || m.app.none, sensors: zone.sensors.join(', ') || m.app.none })}</p>
      </header>
      <div class="toolbar">
        <label>
          {m.zones.pick}{' '}
          <select value={zone.id} onChange={(e) => (location.hash = hrefOf({ screen: 'zones', id: (e.target as HTMLSelectElement).value }))}>
            {list.map((z) => (
              <option key={z.id} value={z.id}>
                {name(z)}
              </option>
            ))}
          </select>
        </label>
        <RangePicker value={range} onChange={setRange} name="zone-range" />
      </div>
      <LoadState loading={data.loading} error={data.error} hasData={data.data !== undefined} reload={data.reload} />
      {zone.cameras.length === 0 && <p class="notice">{m.zones.noCameras}</p>}
      {data.data && !chart && <p class="empty">{m.zones.noData}</p>}
      {chart && (
        <>
          <Chart title={f(m.zones.chart, { zone: name(zone) })} yLabel={m.zones.people} xLabel={m.zones.time} series={chart.series} thresholds={chart.thresholds} bands={chart.bands} from={chart.start} to={chart.end} />
          {chart.max && chart.last && (
            <p class="chart-summary">
              {f(m.zones.summary, { max: i18n.num(chart.max[1]), maxAt: i18n.time(new Date(chart.max[0]).toISOString()), last: i18n.num(chart.last[1]), lastAt: i18n.time(new Date(chart.last[0]).toISOString()) })}
            </p>
          )}
        </>
      )}
      {data.data && (
        <section aria-labelledby="zone-incidents">
          <h2 id="zone-incidents">{m.zones.incidents}</h2>
          {data.data.incidents.length === 0 ? (
            <p class="muted">{m.zones.noIncidents}</p>
          ) : (
            <ul class="plain-list">
              {data.data.incidents.map((x) => (
                <li key={x.id}>
                  <SeverityBadge severity={x.severity} /> <StatusBadge status={x.status} /> <a href={`#/incidents/${x.id}`}>{i18n.pick(x.title)}</a> · {i18n.time(x.openedAt)}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
