// Reads a time range of observations, newest first, page by page. The range ends at the newest observation rather
// than the browser's clock: the province's clock is the server's (and a simulated one runs faster locally).
import type { Api } from './api.ts';
import type { Observation, Page } from './types.ts';

/** Time ranges the charts offer. */
export const RANGES = { h1: 3600_000, h6: 6 * 3600_000, h24: 24 * 3600_000 } as const;
export type RangeKey = keyof typeof RANGES;

/** Observations of the last `rangeMs` before the newest one (within the API's default 24 hours). */
export interface Series {
  readonly items: Observation[];
  /** Epoch ms of the newest observation (the end of the range); undefined when there is none. */
  readonly end: number | undefined;
  readonly start: number | undefined;
}

const PAGE = 500;
const MAX_PAGES = 30;

/** Pages through GET /observations for `query` (source or zone) until the range is covered. */
export async function loadSeries(api: Api, query: { source?: string; zone?: string }, rangeMs: number): Promise<Series> {
  const items: Observation[] = [];
  let cursor: string | undefined;
  let end: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api.get<Page<Observation>>('/observations', { ...query, limit: PAGE, cursor });
    if (res.items.length === 0) break;
    end ??= Date.parse(res.items[0]!.ts);
    const start = end - rangeMs;
    for (const o of res.items) if (Date.parse(o.ts) >= start) items.push(o);
    if (!res.next || Date.parse(res.items[res.items.length - 1]!.ts) < start) break;
    cursor = res.next;
  }
  return { items, end, start: end === undefined ? undefined : end - rangeMs };
}
