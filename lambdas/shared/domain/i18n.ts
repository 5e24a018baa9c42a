// Message catalogues (Vietnamese first, English second) for alert text, incident statuses and severities.
import type { Incident, IncidentStatus, Severity } from './incident.ts';

/** Supported locales, in the order text is shown. */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A unit, with an optional singular form (English "1 person"). */
export interface UnitText {
  readonly other: string;
  readonly one?: string;
}

/** Every user-facing string for one locale. Templates use `{name}` placeholders, filled by {@link fill}. */
export interface Catalogue {
  readonly severity: Readonly<Record<Severity, string>>;
  readonly status: Readonly<Record<IncidentStatus, string>>;
  readonly escalated: string;
  /** Units by measure (observation kind, or `silence_minutes` for stale rules). */
  readonly units: Readonly<Record<string, UnitText>>;
  readonly number: { readonly decimal: string; readonly group: string };
  /** "UTC+7": `{offset}` is `+7`, `+5:30`, `-3`. */
  readonly utcOffset: string;
  readonly alert: {
    readonly subjectOpened: string;
    readonly subjectEscalated: string;
    readonly headingOpened: string;
    readonly headingEscalated: string;
    readonly what: string;
    readonly where: string;
    readonly source: string;
    readonly when: string;
    readonly escalatedWhen: string;
    readonly severity: string;
    readonly value: string;
    readonly id: string;
    readonly link: string;
    readonly smsOpened: string;
    readonly smsEscalated: string;
  };
}

const vi: Catalogue = {
  severity: { low: 'thấp', medium: 'trung bình', high: 'cao', critical: 'nghiêm trọng' },
  status: { open: 'mới', acknowledged: 'đã tiếp nhận', resolved: 'đã xử lý', dismissed: 'báo động giả' },
  escalated: 'đã leo thang',
  units: {
    people_count: { other: 'người' },
    silence_minutes: { other: 'phút' },
    pm25: { other: 'µg/m³' },
    pm10: { other: 'µg/m³' },
    water_level: { other: 'm' },
    rainfall: { other: 'mm' },
    temperature: { other: '°C' },
    humidity: { other: '%' },
    noise: { other: 'dB' },
  },
  number: { decimal: ',', group: '.' },
  utcOffset: 'UTC{offset}',
  alert: {
    subjectOpened: '[{severity}] {title} – {zone}',
    subjectEscalated: '[{severity}] Leo thang lần {n}: {title} – {zone}',
    headingOpened: 'CẢNH BÁO SỰ CỐ – Trung tâm điều hành',
    headingEscalated: 'CẢNH BÁO LEO THANG (lần {n}) – sự cố chưa được tiếp nhận',
    what: 'Sự cố: {title}',
    where: 'Khu vực: {zone}',
    source: 'Thiết bị: {source}',
    when: 'Thời gian phát hiện: {time} ({offset})',
    escalatedWhen: 'Leo thang lúc: {time} ({offset})',
    severity: 'Mức độ: {severity}',
    value: 'Giá trị ghi nhận: {value}',
    id: 'Mã sự cố: {id}',
    link: 'Xem chi tiết: {url}',
    smsOpened: 'Cảnh báo {severity}: {title}. {zone}, {time}, {value}. {url}',
    smsEscalated: 'Leo thang lần {n}, {severity}: {title}. {zone}, {time}, {value}. {url}',
  },
};

const en: Catalogue = {
  severity: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
  status: { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved', dismissed: 'dismissed (false alarm)' },
  escalated: 'escalated',
  units: {
    people_count: { one: 'person', other: 'people' },
    silence_minutes: { one: 'minute', other: 'minutes' },
    pm25: { other: 'µg/m³' },
    pm10: { other: 'µg/m³' },
    water_level: { other: 'm' },
    rainfall: { other: 'mm' },
    temperature: { other: '°C' },
    humidity: { other: '%' },
    noise: { other: 'dB' },
  },
  number: { decimal: '.', group: ',' },
  utcOffset: 'UTC{offset}',
  alert: {
    subjectOpened: '[{severity}] {title} – {zone}',
    subjectEscalated: '[{severity}] Escalation {n}: {title} – {zone}',
    headingOpened: 'INCIDENT ALERT – Operations centre',
    headingEscalated: 'ESCALATION ({n}) – incident not acknowledged',
    what: 'Incident: {title}',
    where: 'Zone: {zone}',
    source: 'Device: {source}',
    when: 'Detected at: {time} ({offset})',
    escalatedWhen: 'Escalated at: {time} ({offset})',
    severity: 'Severity: {severity}',
    value: 'Observed value: {value}',
    id: 'Incident ID: {id}',
    link: 'Details: {url}',
    smsOpened: '{severity} alert: {title}. {zone}, {time}, {value}. {url}',
    smsEscalated: 'Escalation {n}, {severity}: {title}. {zone}, {time}, {value}. {url}',
  },
};

/** The catalogues by locale; Vietnamese strings are NFC (precomposed). */
export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { vi, en };

/** Separator between the Vietnamese and the English part of a bilingual text (language-neutral). */
export const LANGUAGE_SEPARATOR = '————————————————————';

/** The catalogue of `locale`. */
export const messages = (locale: Locale): Catalogue => CATALOGUES[locale];

/** `template` with each `{name}` replaced by `vars[name]`; throws on a placeholder without a value (a catalogue bug). */
export function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`no value for {${name}} in "${template}"`);
    return String(v);
  });
}

/** The label of a status in `locale`. */
export const statusLabel = (status: IncidentStatus, locale: Locale): string => CATALOGUES[locale].status[status];

/** The label of a severity in `locale` (lower case, as in running text). */
export const severityLabel = (severity: Severity, locale: Locale): string => CATALOGUES[locale].severity[severity];

/**
 * `value` in `locale`'s number format, at most two decimals, trailing zeros dropped: vi `3,5` / `1.234`, en `3.5` /
 * `1,234`. Done by hand rather than with Intl so it does not depend on the runtime's ICU locale data.
 */
export function formatNumber(value: number, locale: Locale): string {
  const { decimal, group } = CATALOGUES[locale].number;
  const rounded = Math.round(Math.abs(value) * 100) / 100;
  const [int, frac] = rounded.toFixed(2).replace(/\.?0+$/, '').split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const sign = value < 0 && rounded !== 0 ? '-' : '';
  return `${sign}${grouped}${frac ? decimal + frac : ''}`;
}

/** `value` with the unit of `incident`'s measure in `locale` ("3,5 m", "40 người", "1 person"). */
export function formatMeasured(value: number, incident: Pick<Incident, 'measure' | 'unit'>, locale: Locale): string {
  const number = formatNumber(value, locale);
  const known = CATALOGUES[locale].units[incident.measure];
  const unit = incident.unit ?? (known ? (value === 1 && known.one !== undefined ? known.one : known.other) : '');
  return unit === '' ? number : `${number} ${unit}`;
}
