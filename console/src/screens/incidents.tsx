// The incident board: open and acknowledged incidents (most severe, then newest first), polled every few seconds,
// a visible and audible cue for new ones, and the detail with acknowledge / resolve / dismiss and the audit trail.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { SeverityBadge, StatusBadge } from '../components/badges.tsx';
import { byUrgency, changedByPerson } from '../incident-logic.ts';
import { Icon } from '../components/icon.tsx';
import { LoadState } from '../components/load-state.tsx';
import { useApp } from '../context.ts';
import { usePoll } from '../hooks.ts';
import { cap, useI18n, type I18n } from '../i18n/index.ts';
import { beep } from '../sound.ts';
import type { AuditEntry, Incident, IncidentDetail, Page } from '../types.ts';

/** How often the board asks for incidents. */
export const BOARD_POLL_MS = 3000;

type Action = 'acknowledge' | 'resolve' | 'dismiss';
const ACTIONS_BY_STATUS: Record<string, Action[]> = { open: ['acknowledge', 'resolve', 'dismiss'], acknowledged: ['resolve', 'dismiss'] };

/** A measured value with its unit ("24 người", "3,5 m"). */
export function measured(i18n: I18n, incident: Pick<Incident, 'measure' | 'unit'>, value: number): string {
  const unit = incident.unit ?? i18n.unit(incident.measure, value);
  return unit ? `${i18n.num(value)} ${unit}` : i18n.num(value);
}

export function IncidentsScreen({ selectedId }: { selectedId?: string }) {
  const { api, sound, zones } = useApp();
  const i18n = useI18n();
  const { m, f, pick } = i18n;
  const board = usePoll(
    async () => {
      const [open, acknowledged] = await Promise.all([
        api.get<Page<Incident>>('/incidents', { status: 'open', limit: 200 }),
        api.get<Page<Incident>>('/incidents', { status: 'acknowledged', limit: 200 }),
      ]);
      return [...open.items, ...acknowledged.items].sort(byUrgency);
    },
    BOARD_POLL_MS,
    [],
  );

  // New incidents: any open one not seen by an earlier poll of this board.
  const seen = useRef<Set<string> | undefined>(undefined);
  const [fresh, setFresh] = useState<Incident[]>([]);
  useEffect(() => {
    if (!board.data) return;
    if (seen.current) {
      const added = board.data.filter((i) => i.status === 'open' && !seen.current!.has(i.id));
      if (added.length) {
        setFresh((prev) => [...added, ...prev.filter((p) => !added.some((a) => a.id === p.id))]);
        if (sound) beep();
      }
    }
    seen.current = new Set([...(seen.current ?? []), ...board.data.map((i) => i.id)]);
  }, [board.data, sound]);
  // An incident shown in the detail is no longer new.
  useEffect(() => {
    if (selectedId) setFresh((prev) => prev.filter((p) => p.id !== selectedId));
  }, [selectedId]);
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, '');
    document.title = fresh.length ? `(${fresh.length}) ${base}` : base;
  }, [fresh.length]);

  const zoneName = (id?: string) => {
    const z = id ? zones.get(id) : undefined;
    return z ? (i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name) : (id ?? '');
  };
  const items = board.data ?? [];
  const counts = { open: items.filter((i) => i.status === 'open').length, acknowledged: items.filter((i) => i.status === 'acknowledged').length };

  return (
    <section class="screen board" aria-labelledby="board-title">
      <header class="screen-head">
        <h1 id="board-title">{m.board.title}</h1>
        <p class="screen-sub">
          {f(m.board.summary, counts)}
          {board.at ? <span class="muted"> · {f(m.app.updatedAt, { time: i18n.clock(board.at) })}</span> : null}
        </p>
      </header>
      <div class="new-alert-region" role="alert" aria-live="assertive">
        {fresh.length > 0 && (
          <div class="new-alert" data-testid="new-incident-cue">
            <span class="new-alert-icon">
              <Icon name="bell" size="1.5em" />
            </span>
            <span>
              {fresh.length === 1
                ? f(m.board.newIncident, { title: pick(fresh[0]!.title), zone: zoneName(fresh[0]!.zone ?? fresh[0]!.subject) })
                : f(m.board.newIncidents, { n: fresh.length, list: fresh.map((x) => `${pick(x.title)} – ${zoneName(x.zone ?? x.subject)}`).join('; ') })}
            </span>
            <button type="button" class="btn btn-small" onClick={() => setFresh([])}>
              {m.board.dismissBanner}
            </button>
          </div>
        )}
      </div>
      <LoadState loading={board.loading} error={board.error} hasData={board.data !== undefined} reload={board.reload} />
      <div class="board-layout">
        <div class="board-list">
          {board.data && items.length === 0 && <p class="empty">{m.board.empty}</p>}
          <ul class="incident-list" aria-label={m.board.listLabel}>
            {items.map((i) => (
              <li key={i.id}>
                <a
                  href={`#/incidents/${i.id}`}
                  class={`incident-card sevline-${i.severity}${i.id === selectedId ? ' is-selected' : ''}${fresh.some((x) => x.id === i.id) ? ' is-new' : ''}`}
                  aria-current={i.id === selectedId ? 'true' : undefined}
                  data-incident={i.id}
                  data-rule={i.ruleId}
                >
                  <span class="incident-badges">
                    <SeverityBadge severity={i.severity} />
                    <StatusBadge status={i.status} />
                    {i.escalations > 0 && (
                      <span class="badge escalated">
                        <span aria-hidden="true">⇡</span> {cap(i18n.escalated)}
                      </span>
                    )}
                  </span>
                  <span class="incident-title">{pick(i.title)}</span>
                  <span class="incident-meta">
                    {zoneName(i.zone ?? i.subject)} · {m.board.openedAt} {i18n.time(i.openedAt)} · {m.board.last}: {measured(i18n, i, i.lastValue)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </div>
        <div class="board-detail">
          {selectedId ? (
            <IncidentDetailPanel key={selectedId} id={selectedId} onChanged={board.reload} zoneName={zoneName} />
          ) : (
            <p class="empty">{m.board.pick}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function IncidentDetailPanel({ id, onChanged, zoneName }: { id: string; onChanged: () => void; zoneName: (id?: string) => string }) {
  const { api } = useApp();
  const i18n = useI18n();
  const { m, f, pick } = i18n;
  const detail = usePoll(() => api.get<IncidentDetail>(`/incidents/${encodeURIComponent(id)}`), BOARD_POLL_MS, [id]);
  const [note, setNote] = useState('');
  const [working, setWorking] = useState<Action | undefined>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const [conflict, setConflict] = useState<{ action: Action; current: Incident } | undefined>();
  const [override, setOverride] = useState<Incident | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);

  // The freshest state: the latest poll, or what an action or a 409 answered if that is newer.
  const polled = detail.data?.incident;
  const incident = override && (!polled || override.version > polled.version) ? override : polled;

  const act = async (action: Action, from: Incident) => {
    setWorking(action);
    setMessage(undefined);
    setConflict(undefined);
    let seen = from;
    try {
      // The platform bumps the version with every observation of an ongoing incident; when only the platform
      // changed it since the operator looked, the action is sent again on the new version (a few times at most).
      // A change by a person (status or notes) is shown to the operator instead.
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await api.post<{ incident: Incident }>(`/incidents/${encodeURIComponent(id)}/${action}`, {
            note: note.trim() || undefined,
            expectedVersion: seen.version,
          });
          setOverride(res.incident);
          setNote('');
          setMessage({ kind: 'ok', text: m.board.done[action] });
          break;
        } catch (e) {
          const current = e instanceof ApiError && e.status === 409 ? (e.body.current as Incident | undefined) : undefined;
          if (!current) throw e;
          setOverride(current);
          if (changedByPerson(seen, current) || attempt >= 4) {
            setConflict({ action, current });
            break;
          }
          seen = current;
        }
      }
      detail.reload();
      onChanged();
    } catch (e) {
      setMessage({ kind: 'error', text: f(m.board.actionFailed, { message: (e as Error).message }) });
    } finally {
      setWorking(undefined);
    }
  };

  useEffect(() => heading.current?.focus(), []);

  return (
    <article class="incident-detail" aria-labelledby="incident-title" data-testid="incident-detail">
      <LoadState loading={detail.loading} error={detail.error} hasData={detail.data !== undefined} reload={detail.reload} />
      {incident && (
        <>
          <div class="detail-head">
            <h2 id="incident-title" tabIndex={-1} ref={heading}>
              {pick(incident.title)}
            </h2>
            <a class="btn btn-small btn-quiet" href="#/incidents">
              {m.board.close}
            </a>
          </div>
          <p class="incident-badges">
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
          </p>
          <dl class="facts">
            <dt>{m.board.zone}</dt>
            <dd>{zoneName(incident.zone ?? (incident.ruleKind === 'crowd' ? incident.subject : undefined)) || m.app.none}</dd>
            {incident.ruleKind !== 'crowd' && (
              <>
                <dt>{m.board.source}</dt>
                <dd>{incident.subject}</dd>
              </>
            )}
            <dt>{m.board.openedAt}</dt>
            <dd>{i18n.time(incident.openedAt)}</dd>
            <dt>{m.board.lastSeenAt}</dt>
            <dd>{i18n.time(incident.lastSeenAt)}</dd>
            <dt>{incident.worse === 'lower' ? m.board.lowest : m.board.peak}</dt>
            <dd>{measured(i18n, incident, incident.peakValue)}</dd>
            <dt>{m.board.last}</dt>
            <dd>{measured(i18n, incident, incident.lastValue)}</dd>
            <dt>{m.board.observations}</dt>
            <dd>{i18n.num(incident.observationCount)}</dd>
            <dt>{m.board.rule}</dt>
            <dd>{incident.ruleId}</dd>
            <dt>{m.board.id}</dt>
            <dd>
              <code>{incident.id}</code> · {m.board.version} {incident.version}
            </dd>
          </dl>
          <ul class="detail-notes">
            {incident.escalations > 0 && <li>{f(m.board.escalated, { n: incident.escalations, time: i18n.time(incident.escalatedAt) })}</li>}
            {incident.clearSince && <li>{f(m.board.clearSince, { time: i18n.time(incident.clearSince) })}</li>}
            {incident.acknowledgedBy && <li>{f(m.board.acknowledgedBy, { by: actorName(i18n, incident.acknowledgedBy), time: i18n.time(incident.acknowledgedAt) })}</li>}
            {incident.resolvedBy && <li>{f(m.board.resolvedBy, { by: actorName(i18n, incident.resolvedBy), time: i18n.time(incident.resolvedAt) })}</li>}
            {incident.dismissedBy && <li>{f(m.board.dismissedBy, { by: actorName(i18n, incident.dismissedBy), time: i18n.time(incident.dismissedAt) })}</li>}
          </ul>

          {conflict && (
            <div class="notice notice-warn conflict" role="alert" data-testid="conflict">
              <strong>{m.board.conflictTitle}</strong>
              <p>{f(m.board.conflictBody, { status: i18n.status(conflict.current.status), version: conflict.current.version })}</p>
              <div class="button-row">
                {(ACTIONS_BY_STATUS[conflict.current.status] ?? []).includes(conflict.action) && (
                  <button type="button" class="btn btn-primary" onClick={() => void act(conflict.action, conflict.current)}>
                    {m.board.conflictRetry}
                  </button>
                )}
                <button type="button" class="btn" onClick={() => setConflict(undefined)}>
                  {m.board.conflictCancel}
                </button>
              </div>
            </div>
          )}

          <section class="actions" aria-labelledby="actions-title">
            <h3 id="actions-title">{m.board.actions}</h3>
            {(ACTIONS_BY_STATUS[incident.status] ?? []).length === 0 ? (
              <p class="muted">{m.board.final}</p>
            ) : (
              <form onSubmit={(e) => e.preventDefault()}>
                <label for="incident-note">{m.board.note}</label>
                <textarea id="incident-note" aria-describedby="incident-note-hint" maxLength={2000} rows={3} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
                <p id="incident-note-hint" class="hint">
                  {m.board.noteHint}
                </p>
                <div class="button-row">
                  {(ACTIONS_BY_STATUS[incident.status] ?? []).map((a) => (
                    <button key={a} type="button" class={`btn ${a === 'dismiss' ? '' : 'btn-primary'}`} data-action={a} disabled={working !== undefined} onClick={() => void act(a, incident)}>
                      {working === a ? m.board.working : m.board[a]}
                    </button>
                  ))}
                </div>
              </form>
            )}
            <div role="status" aria-live="polite" class="action-message">
              {message && <p class={message.kind === 'ok' ? 'notice notice-ok' : 'notice notice-error'}>{message.text}</p>}
            </div>
          </section>

          <AuditTrail audit={detail.data?.audit ?? []} />
        </>
      )}
    </article>
  );
}

const actorName = (i18n: I18n, actor: string) => (actor === 'system' ? i18n.m.board.system : actor);

function AuditTrail({ audit }: { audit: AuditEntry[] }) {
  const i18n = useI18n();
  const { m } = i18n;
  const rows = useMemo(() => [...audit].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)), [audit]);
  return (
    <section class="audit" aria-labelledby="audit-title">
      <h3 id="audit-title">{m.board.audit}</h3>
      {rows.length === 0 ? (
        <p class="muted">{m.board.auditEmpty}</p>
      ) : (
        <table class="table" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">{m.board.auditTime}</th>
              <th scope="col">{m.board.auditActor}</th>
              <th scope="col">{m.board.auditAction}</th>
              <th scope="col">{m.board.auditChange}</th>
              <th scope="col">{m.board.auditNote}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a, n) => (
              <tr key={`${a.at}-${a.action}-${n}`}>
                <td>{i18n.time(a.at)}</td>
                <td>{actorName(i18n, a.actor)}</td>
                <td>{m.board.auditActions[a.action] ?? a.action}</td>
                <td>
                  {a.fromStatus && a.fromStatus !== a.toStatus ? `${i18n.status(a.fromStatus)} → ` : ''}
                  {i18n.status(a.toStatus)}
                  {a.fromSeverity && a.toSeverity && a.fromSeverity !== a.toSeverity ? ` · ${i18n.severity(a.fromSeverity)} → ${i18n.severity(a.toSeverity)}` : ''}
                </td>
                <td>{a.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
