// Severity and status badges: a shape and a word as well as a colour, so colour is never the only signal.
import { cap, useI18n } from '../i18n/index.ts';

/** Shapes per severity (hidden from screen readers: the word is read). */
const SEVERITY_ICON: Record<string, string> = { low: '●', medium: '◆', high: '▲', critical: '‼' };
const STATUS_ICON: Record<string, string> = { open: '◉', acknowledged: '✓', resolved: '✔', dismissed: '✕' };

export function SeverityBadge({ severity }: { severity: string }) {
  const { severity: label, m } = useI18n();
  return (
    <span class={`badge sev sev-${severity}`} title={`${m.severity.label}: ${label(severity)}`}>
      <span aria-hidden="true" class="badge-icon">
        {SEVERITY_ICON[severity] ?? '•'}
      </span>
      <span class="visually-hidden">{m.severity.label}: </span>
      {cap(label(severity))}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { status: label, m } = useI18n();
  return (
    <span class={`badge status status-${status}`} title={`${m.board.status}: ${label(status)}`}>
      <span aria-hidden="true" class="badge-icon">
        {STATUS_ICON[status] ?? '•'}
      </span>
      <span class="visually-hidden">{m.board.status}: </span>
      {cap(label(status))}
    </span>
  );
}
