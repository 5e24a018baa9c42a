// Routes that read the central store: sensors, their latest reading, and observation time series by source or zone.
import { HttpError } from '#shared/http.ts';
import type { Observation } from '#domain/observation.ts';
import type { ObservationStore } from '#adapters/observation-store.ts';
import type { DeviceRegistry } from '#adapters/registry-store.ts';
import type { ProvinceRegistry } from '#shared/province.ts';
import { sensorUnit } from '../../../lib/config/schema.ts';
import type { RouteImpl } from '../router.ts';

/** Ports the read routes use. */
export interface ObservationRouteDeps {
  readonly observations: Pick<ObservationStore, 'page' | 'latest'>;
  readonly devices: Pick<DeviceRegistry, 'list'>;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
}

const DAY_MS = 86_400_000;

/** Sources (sensors and cameras) of the province, by id. */
function sourcesOf(registry: ProvinceRegistry) {
  return [
    ...registry.sensors.map((s) => ({ id: s.id, zone: s.zone, type: 'sensor' as const })),
    ...registry.cameras.map((c) => ({ id: c.id, zone: c.zone, type: 'camera' as const })),
  ];
}

function encodeCursor(c: unknown): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor<T>(raw: string | undefined, valid: (x: unknown) => x is T): T | undefined {
  if (raw === undefined) return undefined;
  try {
    const x = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (valid(x)) return x;
  } catch {
    // reported below
  }
  throw new HttpError(400, 'bad_request', 'Invalid query parameter: cursor: not a cursor this API returned', {
    problems: [{ path: 'cursor', message: 'not a cursor this API returned' }],
  });
}

const isSourceCursor = (x: unknown): x is { s: string } => typeof (x as { s?: unknown })?.s === 'string';
const isZoneCursor = (x: unknown): x is { z: Record<string, string | null> } =>
  typeof (x as { z?: unknown })?.z === 'object' &&
  (x as { z: unknown }).z !== null &&
  Object.values((x as { z: object }).z).every((v) => v === null || typeof v === 'string');

/** The read routes, keyed by routeKey. */
export function observationRoutes(deps: ObservationRouteDeps): Record<string, RouteImpl> {
  const sources = sourcesOf(deps.registry);
  return {
    'GET /sensors': async () => {
      const devices = new Map((await deps.devices.list()).map((d) => [d.id, d]));
      return {
        items: deps.registry.sensors.map((s) => ({
          id: s.id,
          kind: s.kind,
          unit: sensorUnit(s),
          zone: s.zone,
          name: s.name ?? s.id,
          credential: devices.get(s.id)?.status ?? 'none',
        })),
      };
    },

    'GET /sensors/{id}/latest': async ({ params }) => {
      const sensor = deps.registry.sensors.find((s) => s.id === params.id);
      if (!sensor) throw new HttpError(404, 'not_found', `No sensor ${params.id}`);
      return { sensor: { id: sensor.id, kind: sensor.kind, unit: sensorUnit(sensor), zone: sensor.zone }, latest: (await deps.observations.latest(sensor.id)) ?? null };
    },

    'GET /observations': async ({ query }) => {
      const to: string = query.to ?? deps.now().toISOString();
      const from: string = query.from ?? new Date(Date.parse(to) - DAY_MS).toISOString();
      const limit: number = query.limit;
      if (query.source) {
        if (!sources.some((s) => s.id === query.source)) throw new HttpError(404, 'not_found', `No source ${query.source}`);
        const cursor = decodeCursor(query.cursor, isSourceCursor);
        const page = await deps.observations.page(query.source, from, to, limit, cursor?.s);
        return { items: page.items, next: page.next ? encodeCursor({ s: page.next }) : null };
      }
      const inZone = sources.filter((s) => s.zone === query.zone).map((s) => s.id);
      if (!deps.registry.zones.some((z) => z.id === query.zone)) throw new HttpError(404, 'not_found', `No zone ${query.zone}`);
      const cursor = decodeCursor(query.cursor, isZoneCursor)?.z ?? {};
      return mergeZone(deps.observations, inZone, cursor, from, to, limit);
    },
  };
}

/**
 * Observations of a zone, newest first: a k-way merge of its sources' own time-ordered partitions. This keeps one
 * write per observation (no zone index to maintain); the cursor remembers where each source stopped.
 */
async function mergeZone(
  store: Pick<ObservationStore, 'page'>,
  sources: string[],
  cursor: Record<string, string | null>,
  from: string,
  to: string,
  limit: number,
): Promise<{ items: Observation[]; next: string | null }> {
  const live = sources.filter((s) => cursor[s] !== null);
  const pages = await Promise.all(
    live.map(async (s) => ({ source: s, page: await store.page(s, from, to, limit, cursor[s] ?? undefined) })),
  );
  const merged = pages
    .flatMap((p) => p.page.items.map((o) => ({ source: p.source, o })))
    .sort((a, b) => (a.o.ts === b.o.ts ? a.source.localeCompare(b.source) : a.o.ts < b.o.ts ? 1 : -1))
    .slice(0, limit);
  const next: Record<string, string | null> = { ...cursor };
  for (const p of pages) {
    const taken = merged.filter((m) => m.source === p.source);
    const all = taken.length === p.page.items.length;
    if (taken.length > 0) next[p.source] = `O#${taken[taken.length - 1]!.o.ts}#${taken[taken.length - 1]!.o.id}`;
    if (all && !p.page.next) next[p.source] = null;
  }
  const more = sources.some((s) => next[s] !== null);
  return { items: merged.map((m) => m.o), next: more ? encodeCursor({ z: next }) : null };
}
