// Clip routes of the operator router: read one clip analysis (POST /clips is served by the start-clip function).
import type { ClipStore } from '#adapters/clip-store.ts';
import { HttpError } from '#shared/http.ts';
import type { RouteImpl } from '../router.ts';

/** Ports the clip routes use. */
export interface ClipRouteDeps {
  readonly clips: Pick<ClipStore, 'get'>;
}

/** The clip routes of the operator router, keyed by routeKey. */
export function clipRoutes(deps: ClipRouteDeps): Record<string, RouteImpl> {
  return {
    'GET /clips/{id}': async ({ params }) => {
      const clip = await deps.clips.get(params.id!);
      if (!clip) throw new HttpError(404, 'not_found', `No clip ${params.id}`);
      return clip;
    },
  };
}
