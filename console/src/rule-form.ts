// The rule editor's form model: the values as typed, the rule JSON sent to PUT /rules/{id}, and which field an API
// problem path names. Pure: no DOM, no JSX.
import type { Rule } from './types.ts';

/** The form's values: text as typed, so the API (not the browser) judges them. */
export interface Draft {
  id: string;
  kind: Rule['kind'];
  titleVi: string;
  titleEn: string;
  severity: string;
  enabled: boolean;
  cooldownMinutes: string;
  ackWithinMinutes: string;
  autoResolveAfterMinutes: string;
  zone: string;
  minPeople: string;
  windowFrom: string;
  windowTo: string;
  sustainObservations: string;
  sustainMinutes: string;
  sensorKind: string;
  source: string;
  op: string;
  value: string;
  afterMinutes: string;
}
export type FieldName = Exclude<keyof Draft, 'id' | 'kind'>;

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

export function draftOf(r: Rule): Draft {
  const any = r as Rule & Partial<Record<string, unknown>>;
  const window = any.window as { from: string; to: string } | undefined;
  const sustain = any.sustain as { observations?: number; minutes?: number } | undefined;
  return {
    id: r.id,
    kind: r.kind,
    titleVi: r.title.vi,
    titleEn: r.title.en,
    severity: r.severity,
    enabled: r.enabled,
    cooldownMinutes: text(r.cooldownMinutes),
    ackWithinMinutes: text(r.ackWithinMinutes),
    autoResolveAfterMinutes: text(r.autoResolveAfterMinutes),
    zone: (any.zone as string | undefined) ?? '',
    minPeople: text(any.minPeople as number | undefined),
    windowFrom: window?.from ?? '',
    windowTo: window?.to ?? '',
    sustainObservations: text(sustain?.observations),
    sustainMinutes: text(sustain?.minutes),
    sensorKind: (any.sensorKind as string | undefined) ?? '',
    source: (any.source as string | undefined) ?? '',
    op: (any.op as string | undefined) ?? '>',
    value: text(any.value as number | undefined),
    afterMinutes: text(any.afterMinutes as number | undefined),
  };
}

/** A number as typed: empty is left out, a number is sent as one, anything else as typed (the API names the field). */
const numberOf = (s: string): number | string | undefined => (s.trim() === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s);
const optional = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

/** The rule JSON the form describes. */
export function ruleOf(d: Draft): Record<string, unknown> {
  const common = {
    id: d.id,
    kind: d.kind,
    title: { vi: d.titleVi, en: d.titleEn },
    severity: d.severity,
    enabled: d.enabled,
    cooldownMinutes: numberOf(d.cooldownMinutes),
    ackWithinMinutes: numberOf(d.ackWithinMinutes),
    autoResolveAfterMinutes: numberOf(d.autoResolveAfterMinutes),
  };
  const window = d.windowFrom.trim() || d.windowTo.trim() ? { from: d.windowFrom.trim(), to: d.windowTo.trim() } : undefined;
  const sustain = { observations: numberOf(d.sustainObservations), minutes: numberOf(d.sustainMinutes) };
  if (d.kind === 'crowd') return { ...common, zone: d.zone, minPeople: numberOf(d.minPeople), window, sustain };
  if (d.kind === 'threshold') return { ...common, sensorKind: optional(d.sensorKind), source: optional(d.source), zone: optional(d.zone), op: d.op, value: numberOf(d.value), window, sustain };
  return { ...common, source: optional(d.source), afterMinutes: numberOf(d.afterMinutes) };
}

/** The form field a problem path names (`$.rule.window.from` → windowFrom); undefined when no field shows it. */
export function fieldOfPath(path: string, fields: ReadonlySet<string>): string | undefined {
  const rest = path.replace(/^\$\.rule\.?/, '');
  if (!rest) return undefined;
  const parts = rest.split(/[.[\]]+/).filter(Boolean);
  const name = parts[0] + parts.slice(1, 2).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  if (fields.has(name)) return name;
  if (fields.has(parts[0]!)) return parts[0];
  return parts[0] === 'sustain' ? 'sustainObservations' : parts[0] === 'window' ? 'windowFrom' : parts[0] === 'title' ? 'titleVi' : undefined;
}

/** The fields a rule kind's form shows. */
export function fieldsOf(kind: Rule['kind']): FieldName[] {
  const common: FieldName[] = ['titleVi', 'titleEn', 'severity', 'enabled', 'cooldownMinutes', 'ackWithinMinutes', 'autoResolveAfterMinutes'];
  const timed: FieldName[] = ['windowFrom', 'windowTo', 'sustainObservations', 'sustainMinutes'];
  if (kind === 'crowd') return [...common, 'zone', 'minPeople', ...timed];
  if (kind === 'threshold') return [...common, 'sensorKind', 'source', 'zone', 'op', 'value', ...timed];
  return [...common, 'source', 'afterMinutes'];
}

