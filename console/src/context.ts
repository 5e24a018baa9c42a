// What every screen reads: the config, the API client, the signed-in operator, zone names and module switches.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.ts';
import type { AuthSession } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import type { Zone } from './types.ts';

/** The signed-in console's shared state. */
export interface AppState {
  readonly config: ConsoleConfig;
  readonly api: Api;
  readonly session: AuthSession;
  readonly zones: ReadonlyMap<string, Zone>;
  /** Whether the crowd (cameras) and sensors modules are on (their routes exist). */
  readonly modules: { readonly crowd: boolean; readonly sensors: boolean };
  readonly sound: boolean;
}

export const AppContext = createContext<AppState | undefined>(undefined);

/** The shared state; only used below the signed-in shell. */
export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside the signed-in console');
  return s;
}
