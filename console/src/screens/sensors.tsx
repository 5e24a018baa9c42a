// Sensors: each sensor's latest reading, and the chosen sensor's time series with the thresholds of the rules that
// watch it.
import { useMemo, useState } from 'preact/hooks';
import { Chart, type ChartThreshold } from '../components/chart.tsx';
import { LoadState } from '../components/load-state.tsx';
import { useApp } from '../context.ts';
import { hrefOf, usePoll } from '../hooks.ts';
import { useI18n } from '../i18n/index.ts';
import { RANGES, loadSeries, type RangeKey } from '../series.ts';
import type { Sensor, SensorLatest, VersionedRule } from '../types.ts';
import { RangePicker } from './zones.tsx';

export const SENSOR_POLL_MS = 15_000;

export function SensorsScreen({ sensorId }: { sensorId?: string }) {
  const { api, zones } = useApp();
  const i18n = useI18n();
  const { m, f } = i18n;
  const [range, setRange] = useState<RangeKey>('h6');
  const zoneName = (id: string) => {
    const z = zones.get(id);
    return z ? (i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name) : id;
  };

  const table = usePoll(
    async () => {
      const [sensors, rules] = await Promise.all([api.get<{ items: Sensor[] }>('/sensors'), api.get<{ items: VersionedRule[] }>('/rules')]);
      const latest = await Promise.all(sensors.items.map((s) => api.get<SensorLatest>(`/sensors/${encodeURIComponent(s.id)}/latest`).catch(() => ({ latest: null }))));
      return { sensors: sensors.items.map((s, n) => ({ ...s, latest: latest[n]!.latest })), rules: rules.items };
    },
    SENSOR_POLL_MS,
    [],
  );
  const sensors = table.data?.sensors ?? [];
  const selected = sensors.find((s) => s.id === sensorId) ?? sensors[0];

  const series = usePoll(async () => (selected ? loadSeries(api, { source: selected.id }, RANGES[range]) : undefined), SENSOR_POLL_MS, [selected?.id, range]);

  const thresholds = useMemo<ChartThreshold[]>(() => {
    if (!selected || !table.data) return [];
    return table.data.rules
      .map((r) => r.rule)
      .flatMap((r) =>
        r.kind === 'threshold' && r.enabled && (r.source === selected.id || r.sensorKind === selected.kind) && (!r.zone || r.zone === selected.zone)
          ? [{ value: r.value, label: f(m.sensors.threshold, { op: r.op, value: i18n.num(r.value), rule: i18n.pick(r.title) }), short: f(m.sensors.thresholdShort, { op: r.op, value: i18n.num(r.value) }) }]
          : [],
      );
  }, [selected?.id, table.data, i18n]);
  const chartSeries = useMemo(
    () => (selected && series.data ? [{ label: selected.name, points: series.data.items.filter((o) => o.kind === selected.kind).map((o) => [Date.parse(o.ts), o.value] as const) }] : []),
    [series.data, selected?.id],
  );

  return (
    <section class="screen" aria-labelledby="sensors-title">
      <header class="screen-head">
        <h1 id="sensors-title">{m.sensors.title}</h1>
        {table.at ? <p class="screen-sub muted">{f(m.app.updatedAt, { time: i18n.clock(table.at) })}</p> : null}
      </header>
      <LoadState loading={table.loading} error={table.error} hasData={table.data !== undefined} reload={table.reload} />
      {table.data && sensors.length === 0 && <p class="empty">{m.sensors.empty}</p>}
      {sensors.length > 0 && (
        <table class="table sensors-table">
          <thead>
            <tr>
              <th scope="col">{m.sensors.name}</th>
              <th scope="col">{m.sensors.kind}</th>
              <th scope="col">{m.sensors.zone}</th>
              <th scope="col" class="num">
                {m.sensors.latest}
              </th>
              <th scope="col">{m.sensors.at}</th>
              <th scope="col">{m.sensors.credential}</th>
            </tr>
          </thead>
          <tbody>
            {sensors.map((s) => (
              <tr key={s.id} class={s.id === selected?.id ? 'is-selected' : ''}>
                <th scope="row">
                  <a href={hrefOf({ screen: 'sensors', id: s.id })} aria-label={f(m.sensors.show, { sensor: s.name })} aria-current={s.id === selected?.id ? 'true' : undefined}>
                    {s.name}
                  </a>
                  <div class="muted small">{s.id}</div>
                </th>
                <td>{m.sensors.kinds[s.kind] ?? s.kind}</td>
                <td>{zoneName(s.zone)}</td>
                <td class="num">{s.latest ? `${i18n.num(s.latest.value)} ${s.unit}` : m.sensors.noReading}</td>
                <td>{s.latest ? i18n.time(s.latest.ts) : m.app.none}</td>
                <td>{(m.sensors.credentials as Record<string, string>)[s.credential] ?? s.credential}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <section class="sensor-chart" aria-label={f(m.sensors.chart, { sensor: selected.name, kind: m.sensors.kinds[selected.kind] ?? selected.kind, unit: selected.unit })}>
          <div class="toolbar">
            <RangePicker value={range} onChange={setRange} name="sensor-range" />
          </div>
          <LoadState loading={series.loading} error={series.error} hasData={series.data !== undefined} reload={series.reload} />
          {series.data && series.data.end === undefined && <p class="empty">{m.zones.noData}</p>}
          {series.data && series.data.end !== undefined && (
            <Chart
              title={f(m.sensors.chart, { sensor: selected.name, kind: m.sensors.kinds[selected.kind] ?? selected.kind, unit: selected.unit })}
              yLabel={selected.unit}
              xLabel={m.zones.time}
              series={chartSeries}
              thresholds={thresholds}
              from={series.data.start!}
              to={series.data.end}
            />
          )}
        </section>
      )}
    </section>
  );
}
