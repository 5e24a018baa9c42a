// Loading and error states of a polled resource, announced politely to screen readers.
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n/index.ts';

/** Shows "loading" before the first data, an error with a retry button, and nothing once data is there. */
export function LoadState({ loading, error, hasData, reload }: { loading: boolean; error: unknown; hasData: boolean; reload?: () => void }) {
  const { m, f } = useI18n();
  if (error && !hasData) {
    const message = error instanceof ApiError && error.status === 403 ? m.app.forbidden : (error as Error).message;
    return (
      <div class="notice notice-error" role="alert">
        {f(m.app.loadFailed, { message })}{' '}
        {reload && (
          <button type="button" class="btn" onClick={reload}>
            {m.app.retry}
          </button>
        )}
      </div>
    );
  }
  if (error && hasData) {
    return (
      <p class="notice notice-warn" role="status">
        {m.app.offlineApi}
      </p>
    );
  }
  if (loading && !hasData) {
    return (
      <p class="muted" role="status">
        {m.app.loading}
      </p>
    );
  }
  return null;
}
