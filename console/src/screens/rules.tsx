// Rules: the rules in effect with their versions; supervisors and admins edit them (PUT /rules/{id} with the
// version they read), and the API's validation problems are shown next to the fields they name. Operators read only.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError, type Problem } from '../api.ts';
import { atLeast } from '../auth.ts';
import { SeverityBadge } from '../components/badges.tsx';
import { Icon } from '../components/icon.tsx';
import { LoadState } from '../components/load-state.tsx';
import { useApp } from '../context.ts';
import { usePoll } from '../hooks.ts';
import { cap, useI18n, type I18n } from '../i18n/index.ts';
import { draftOf, fieldOfPath, fieldsOf, ruleOf, type FieldName } from '../rule-form.ts';
import type { Rule, VersionedRule } from '../types.ts';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const OPS = ['>', '>=', '<', '<='] as const;

/** A one-line description of what a rule watches. */
function conditionOf(i18n: I18n, r: Rule, zoneName: (id: string) => string): string {
  const { m, f } = i18n;
  const w = 'window' in r && r.window ? ` · ${f(m.rules.inWindow, r.window)}` : '';
  if (r.kind === 'crowd') return f(m.rules.crowdCondition, { n: r.minPeople, zone: zoneName(r.zone) }) + w;
  if (r.kind === 'threshold') {
    const what = r.source ?? (r.sensorKind ? (m.sensors.kinds[r.sensorKind] ?? r.sensorKind) : '');
    return f(m.rules.thresholdCondition, { what, op: r.op, value: i18n.num(r.value) }) + (r.zone ? ` · ${zoneName(r.zone)}` : '') + w;
  }
  return f(m.rules.staleCondition, { n: r.afterMinutes, source: r.source ?? m.rules.allSources });
}

export function RulesScreen({ ruleId }: { ruleId?: string }) {
  const { api, session, zones } = useApp();
  const i18n = useI18n();
  const { m, f } = i18n;
  const canEdit = atLeast(session.role, 'supervisor');
  const rules = usePoll(() => api.get<{ items: VersionedRule[] }>('/rules'), 0, []);
  const zoneName = (id: string) => {
    const z = zones.get(id);
    return z ? (i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name) : id;
  };
  const open = rules.data?.items.find((r) => r.rule.id === ruleId);

  return (
    <section class="screen" aria-labelledby="rules-title">
      <header class="screen-head">
        <h1 id="rules-title">{m.rules.title}</h1>
      </header>
      {!canEdit && (
        <p class="notice notice-info" data-testid="rules-read-only">
          <Icon name="lock" />{' '}
          {m.rules.readOnly}
        </p>
      )}
      <LoadState loading={rules.loading} error={rules.error} hasData={rules.data !== undefined} reload={rules.reload} />
      {rules.data && (
        <table class="table rules-table">
          <thead>
            <tr>
              <th scope="col">{m.rules.name}</th>
              <th scope="col">{m.rules.kind}</th>
              <th scope="col">{m.rules.condition}</th>
              <th scope="col">{m.severity.label}</th>
              <th scope="col">{m.rules.enabled}</th>
              <th scope="col" class="num">
                {m.rules.version}
              </th>
              <th scope="col">{m.rules.origin}</th>
              <th scope="col">
                <span class="visually-hidden">{m.rules.edit}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data.items.map((v) => (
              <tr key={v.rule.id} class={v.rule.id === ruleId ? 'is-selected' : ''} data-rule={v.rule.id}>
                <th scope="row">
                  {i18n.pick(v.rule.title)}
                  <div class="muted small">{v.rule.id}</div>
                </th>
                <td>{cap(m.rules.kinds[v.rule.kind])}</td>
                <td>{conditionOf(i18n, v.rule, zoneName)}</td>
                <td>
                  <SeverityBadge severity={v.rule.severity} />
                </td>
                <td>{v.rule.enabled ? m.app.yes : m.app.no}</td>
                <td class="num">{v.version}</td>
                <td>{(m.rules.origins as Record<string, string>)[v.origin ?? 'config'] ?? v.origin}</td>
                <td>
                  <a class="btn btn-small" href={`#/rules/${v.rule.id}`} aria-label={`${canEdit ? m.rules.edit : m.rules.view}: ${i18n.pick(v.rule.title)}`}>
                    {canEdit ? m.rules.edit : m.rules.view}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <RuleEditor key={open.rule.id} versioned={open} canEdit={canEdit} onSaved={rules.reload} />}
      {ruleId && rules.data && !open && <p class="notice notice-error">{f(m.app.loadFailed, { message: ruleId })}</p>}
    </section>
  );
}

function RuleEditor({ versioned, canEdit, onSaved }: { versioned: VersionedRule; canEdit: boolean; onSaved: () => void }) {
  const { api, zones } = useApp();
  const i18n = useI18n();
  const { m, f } = i18n;
  // The version edits are based on: what was read, then what each save answered.
  const [base, setBase] = useState(versioned);
  const [draft, setDraft] = useState(() => draftOf(versioned.rule));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error' | 'conflict'; text: string } | undefined>();
  const [saving, setSaving] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // A reload after a conflict brings a newer version: edit that one.
  useEffect(() => {
    if (versioned.version > base.version) {
      setBase(versioned);
      setDraft(draftOf(versioned.rule));
      setProblems([]);
      setStatus(undefined);
    }
  }, [versioned.version]);

  const sources = [...zones.values()].flatMap((z) => [...z.sensors, ...z.cameras]).sort();
  const shown = new Set<string>(fieldsOf(draft.kind));
  const fieldProblems = new Map<string, string[]>();
  const other: Problem[] = [];
  for (const p of problems) {
    const field = fieldOfPath(p.path, shown);
    if (field) fieldProblems.set(field, [...(fieldProblems.get(field) ?? []), p.message]);
    else other.push(p);
  }
  const set = (name: FieldName) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setDraft((d) => ({ ...d, [name]: t.type === 'checkbox' ? t.checked : t.value }));
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setStatus(undefined);
    try {
      const saved = await api.put<VersionedRule>(`/rules/${encodeURIComponent(draft.id)}`, { rule: ruleOf(draft), expectedVersion: base.version });
      setBase(saved);
      setProblems([]);
      setStatus({ kind: 'ok', text: f(m.rules.saved, { version: saved.version }) });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.body.problems) {
        setProblems(err.body.problems);
        setStatus({ kind: 'error', text: m.rules.invalid });
      } else if (err instanceof ApiError && err.status === 409) {
        const current = err.body.current as VersionedRule | null | undefined;
        setStatus({ kind: 'conflict', text: f(m.rules.conflict, { version: current?.version ?? '?' }) });
      } else {
        setStatus({ kind: 'error', text: f(m.rules.failed, { message: (err as Error).message }) });
      }
    } finally {
      setSaving(false);
    }
  };

  const field = (name: FieldName, label: string, control: (props: FieldProps) => ComponentChildren, hint?: string) => (
    <Field name={name} label={label} hint={hint} errors={fieldProblems.get(name)}>
      {control}
    </Field>
  );
  const input = (name: FieldName, type: 'text' | 'number' = 'text', extra: Record<string, unknown> = {}) => (p: FieldProps) =>
    type === 'number' ? (
      <input {...p} type="number" value={draft[name] as string} onInput={set(name)} {...extra} />
    ) : (
      <input {...p} type="text" value={draft[name] as string} onInput={set(name)} {...extra} />
    );

  return (
    <section class="rule-editor" aria-labelledby="rule-editor-title" data-testid="rule-editor">
      <div class="detail-head">
        <h2 id="rule-editor-title" tabIndex={-1} ref={heading}>
          {f(canEdit ? m.rules.editing : m.rules.viewing, { title: i18n.pick(versioned.rule.title) })}
        </h2>
        <a class="btn btn-small btn-quiet" href="#/rules">
          {m.rules.cancel}
        </a>
      </div>
      <form onSubmit={save} noValidate>
        <fieldset disabled={!canEdit || saving} class="form-grid">
          <legend class="visually-hidden">{i18n.pick(versioned.rule.title)}</legend>
          {field('titleVi', m.rules.fields.titleVi, input('titleVi'))}
          {field('titleEn', m.rules.fields.titleEn, input('titleEn'))}
          {field('severity', m.rules.fields.severity, (p) => (
            <select {...p} value={draft.severity} onChange={set('severity')}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {cap(i18n.severity(s))}
                </option>
              ))}
            </select>
          ))}
          {field('enabled', m.rules.fields.enabled, (p) => (
            <input {...p} type="checkbox" checked={draft.enabled} onChange={set('enabled')} />
          ))}
          {draft.kind === 'crowd' && (
            <>
              {field('zone', m.rules.fields.zone, (p) => (
                <select {...p} value={draft.zone} onChange={set('zone')}>
                  {[...zones.values()].map((z) => (
                    <option key={z.id} value={z.id}>
                      {i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name}
                    </option>
                  ))}
                </select>
              ))}
              {field('minPeople', m.rules.fields.minPeople, input('minPeople', 'number', { inputMode: 'numeric', step: 1 }))}
            </>
          )}
          {draft.kind === 'threshold' && (
            <>
              {field('sensorKind', m.rules.fields.sensorKind, (p) => (
                <select {...p} value={draft.sensorKind} onChange={set('sensorKind')}>
                  <option value="">{m.rules.fields.any}</option>
                  {Object.entries(m.sensors.kinds).map(([k, label]) => (
                    <option key={k} value={k}>
                      {label}
                    </option>
                  ))}
                </select>
              ))}
              {field('source', m.rules.fields.source, (p) => (
                <select {...p} value={draft.source} onChange={set('source')}>
                  <option value="">{m.rules.fields.any}</option>
                  {sources.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ))}
              {field('zone', m.rules.fields.zone, (p) => (
                <select {...p} value={draft.zone} onChange={set('zone')}>
                  <option value="">{m.rules.fields.anyZone}</option>
                  {[...zones.values()].map((z) => (
                    <option key={z.id} value={z.id}>
                      {i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name}
                    </option>
                  ))}
                </select>
              ))}
              {field('op', m.rules.fields.op, (p) => (
                <select {...p} value={draft.op} onChange={set('op')}>
                  {OPS.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ))}
              {field('value', m.rules.fields.value, input('value', 'number', { step: 'any' }))}
            </>
          )}
          {draft.kind !== 'stale' && (
            <>
              {field('windowFrom', m.rules.fields.windowFrom, input('windowFrom', 'text', { placeholder: '22:00', inputMode: 'numeric' }), m.rules.fields.windowHint)}
              {field('windowTo', m.rules.fields.windowTo, input('windowTo', 'text', { placeholder: '05:00', inputMode: 'numeric' }))}
              {field('sustainObservations', m.rules.fields.sustainObservations, input('sustainObservations', 'number', { step: 1 }))}
              {field('sustainMinutes', m.rules.fields.sustainMinutes, input('sustainMinutes', 'number', { step: 'any' }))}
            </>
          )}
          {draft.kind === 'stale' && (
            <>
              {field('source', m.rules.fields.source, (p) => (
                <select {...p} value={draft.source} onChange={set('source')}>
                  <option value="">{m.rules.fields.anySource}</option>
                  {sources.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ))}
              {field('afterMinutes', m.rules.fields.afterMinutes, input('afterMinutes', 'number', { step: 'any' }))}
            </>
          )}
          {field('cooldownMinutes', m.rules.fields.cooldownMinutes, input('cooldownMinutes', 'number', { step: 'any' }))}
          {field('ackWithinMinutes', m.rules.fields.ackWithinMinutes, input('ackWithinMinutes', 'number', { step: 'any' }))}
          {field('autoResolveAfterMinutes', m.rules.fields.autoResolveAfterMinutes, input('autoResolveAfterMinutes', 'number', { step: 'any' }))}
        </fieldset>
        {other.length > 0 && (
          <div class="notice notice-error" role="alert">
            <strong>{m.rules.otherProblems}</strong>
            <ul>
              {other.map((p, n) => (
                <li key={n}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div role="status" aria-live="polite">
          {status && (
            <p class={`notice ${status.kind === 'ok' ? 'notice-ok' : status.kind === 'conflict' ? 'notice-warn' : 'notice-error'}`} data-testid="rule-status">
              {status.text}
              {status.kind === 'conflict' && (
                <>
                  {' '}
                  <button type="button" class="btn btn-small" onClick={onSaved}>
                    {m.rules.reload}
                  </button>
                </>
              )}
            </p>
          )}
        </div>
        {canEdit && (
          <div class="button-row">
            <button type="submit" class="btn btn-primary" disabled={saving}>
              {saving ? m.rules.saving : m.rules.save}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

interface FieldProps {
  id: string;
  name: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
}

/** A labelled control with its hint and the API's messages for it. */
function Field({ name, label, hint, errors, children }: { name: string; label: string; hint?: string; errors?: string[]; children: (p: FieldProps) => ComponentChildren }) {
  const id = `rule-${name}`;
  const described = [hint ? `${id}-hint` : '', errors?.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${errors?.length ? ' has-error' : ''}`} data-field={name}>
      <label for={id}>{label}</label>
      {children({ id, name, 'aria-invalid': errors?.length ? 'true' : undefined, 'aria-describedby': described || undefined })}
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p id={`${id}-error`} class="field-error" data-testid={`error-${name}`}>
          <span aria-hidden="true">⚠ </span>
          {errors.join('; ')}
        </p>
      ) : null}
    </div>
  );
}
