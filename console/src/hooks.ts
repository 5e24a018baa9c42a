// Small hooks: hash routing and polling.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The screens, as hash routes (`#/incidents/inc-…`, `#/zones/dn-bach-dang`). */
export const SCREENS = ['incidents', 'cameras', 'zones', 'sensors', 'rules', 'pilot'] as const;
export type Screen = (typeof SCREENS)[number];

/** The current route: screen and optional id. */
export interface Route {
  readonly screen: Screen;
  readonly id?: string;
}

export function parseHash(hash: string): Route {
  const [screen, id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { screen: (SCREENS as readonly string[]).includes(screen ?? '') ? (screen as Screen) : 'incidents', id: id || undefined };
}

export const hrefOf = (r: Route): string => `#/${r.screen}${r.id ? `/${encodeURIComponent(r.id)}` : ''}`;

/** The route from `location.hash`, following changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** What {@link usePoll} holds. */
export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Wall time of the last successful load. */
  readonly at: number | undefined;
  readonly reload: () => void;
}

/**
 * Loads with `load` now and every `everyMs` (0: once), again whenever `deps` change; keeps the last good data
 * while a reload fails. Stops when the component unmounts; waits for a load before starting the next one.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: readonly unknown[]): Polled<T> {
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; data?: T; error?: unknown; loading: boolean; at?: number }>({ key, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // New inputs drop the old data (another zone's chart must not linger); a reload keeps it while loading.
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, loading: true }));
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (alive) setState({ key, data, loading: false, at: Date.now() });
      } catch (error) {
        if (alive) setState((s) => ({ ...s, key, error, loading: false }));
      }
      if (alive && everyMs > 0) timer = setTimeout(run, everyMs);
    };
    void run();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
  }, [key, tick, everyMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current: typeof state = state.key === key ? state : { key, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, at: current.at, reload };
}
