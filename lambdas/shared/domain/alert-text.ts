// Alert text for an incident opened or escalated: email subject, bilingual body (Vietnamese first) and an unaccented SMS.
import type { Incident } from './incident.ts';
import { CATALOGUES, LANGUAGE_SEPARATOR, LOCALES, fill, formatMeasured, type Locale } from './i18n.ts';
import { formatLocal, localParts } from './time.ts';

/** An email subject stays under this many characters. */
export const SUBJECT_MAX = 99;
/** One GSM-7 SMS segment. */
export const SMS_MAX = 160;

/** What the alert is about. */
export type AlertEvent = 'opened' | 'escalated';

/** Input of {@link alertText}. */
export interface AlertTextInput {
  readonly event: AlertEvent;
  readonly incident: Incident;
  /** The zone's names (registry `name` / `nameEn`); absent: the zone or subject id is shown. */
  readonly zoneName?: { readonly vi: string; readonly en?: string };
  /** The province timezone (IANA), e.g. Asia/Ho_Chi_Minh. */
  readonly timezone: string;
  /** Console base URL; the link is `<baseUrl>/incidents/<id>`. */
  readonly baseUrl: string;
}

/** The three renderings of one alert. */
export interface AlertText {
  /** Vietnamese, under {@link SUBJECT_MAX} characters: "[Cao] Tụ tập đông người … – Đường Bạch Đằng". */
  readonly subject: string;
  /** Vietnamese block, separator, English block; NFC. */
  readonly body: string;
  /** Vietnamese without diacritics, printable ASCII safe for GSM-7, at most {@link SMS_MAX} characters. */
  readonly sms: string;
}

/** The alert text for `input.incident` (severity and escalation count as they are now on the incident). */
export function alertText(input: AlertTextInput): AlertText {
  const { incident, event, timezone } = input;
  const url = `${input.baseUrl.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.id)}`;
  const zone = (locale: Locale): string =>
    (locale === 'en' ? (input.zoneName?.en ?? input.zoneName?.vi) : input.zoneName?.vi) ?? incident.zone ?? incident.subject;
  const vars = (locale: Locale) => {
    const c = CATALOGUES[locale];
    return {
      title: incident.title[locale].normalize('NFC'),
      zone: zone(locale).normalize('NFC'),
      severity: capitalize(c.severity[incident.severity], locale),
      n: incident.escalations,
      value: formatMeasured(incident.peakValue, incident, locale),
      id: incident.id,
      url,
      source: incident.subject,
    };
  };

  const block = (locale: Locale): string => {
    const a = CATALOGUES[locale].alert;
    const v = vars(locale);
    const offset = fill(CATALOGUES[locale].utcOffset, { offset: utcOffset(incident.openedAt, timezone) });
    const lines = [
      fill(event === 'escalated' ? a.headingEscalated : a.headingOpened, v),
      fill(a.what, v),
      fill(a.where, v),
      ...(incident.ruleKind === 'crowd' ? [] : [fill(a.source, v)]),
      fill(a.when, { time: formatLocal(incident.openedAt, timezone), offset }),
      ...(event === 'escalated' && incident.escalatedAt !== undefined
        ? [
            fill(a.escalatedWhen, {
              time: formatLocal(incident.escalatedAt, timezone),
              offset: fill(CATALOGUES[locale].utcOffset, { offset: utcOffset(incident.escalatedAt, timezone) }),
            }),
          ]
        : []),
      fill(a.severity, v),
      fill(a.value, v),
      fill(a.id, v),
      fill(a.link, v),
    ];
    return lines.join('\n');
  };

  const vVi = vars('vi');
  const subjectTemplate = event === 'escalated' ? CATALOGUES.vi.alert.subjectEscalated : CATALOGUES.vi.alert.subjectOpened;
  // Control characters (a newline in a config title) must never reach an email header.
  const oneLine = (x: string) => x.replace(/\p{Cc}+/gu, ' ');
  const subject = fitSubject(subjectTemplate, { ...vVi, title: oneLine(vVi.title), zone: oneLine(vVi.zone) });
  const body = LOCALES.map(block).join(`\n\n${LANGUAGE_SEPARATOR}\n\n`).normalize('NFC');
  const smsTemplate = event === 'escalated' ? CATALOGUES.vi.alert.smsEscalated : CATALOGUES.vi.alert.smsOpened;
  const sms = fitSms(smsTemplateText(smsTemplate), {
    ...mapValues(vVi, toSmsText),
    time: formatLocal(incident.openedAt, timezone),
    url,
  });
  return { subject, body, sms };
}

/**
 * `s` without Vietnamese diacritics: NFD, combining marks removed, đ→d and Đ→D, recomposed.
 * "Tụ tập đông người" → "Tu tap dong nguoi".
 */
export function stripDiacritics(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

// Characters outside GSM-7's basic set (or in its two-unit extension table) and their plain stand-ins.
const SMS_CHARS: Readonly<Record<string, string>> = {
  'µ': 'u', '³': '3', '²': '2', '°': '', '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"', '…': '...',
  '[': '(', ']': ')', '{': '(', '}': ')', '~': '-', '|': '/', '\\': '/', '^': '', '`': "'", '\u00a0': ' ',
};

/**
 * `s` made SMS-safe: diacritics stripped, a few symbols replaced (µg/m³ → ug/m3, – → -), anything else outside
 * printable ASCII dropped, so the message stays in one 160-character GSM-7 segment (diacritics would force UCS-2: 70).
 */
export function toSmsText(s: string): string {
  return [...stripDiacritics(s)]
    .map((ch) => SMS_CHARS[ch] ?? ch)
    .join('')
    .replace(/[^\x20-\x7e\n]/g, '')
    .replace(/\n/g, ' ');
}

/** The UTC offset of `timeZone` at `instant` as "+7", "+5:30", "-3" (for the "(UTC+7)" label). */
export function utcOffset(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  const p = localParts(new Date(ms), timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const minutes = Math.round((wall - (ms - (ms % 1000))) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `${sign}${h}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}`;
}

/** `template` made SMS-safe outside its `{placeholders}` (whose braces are not GSM-7 basic characters but never reach the text). */
function smsTemplateText(template: string): string {
  return template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? part : toSmsText(part)))
    .join('');
}

function fitSubject(template: string, vars: Record<string, string | number>): string {
  const full = fill(template, vars).normalize('NFC');
  if (full.length <= SUBJECT_MAX) return full;
  // Shorten the title and zone (never the severity prefix) until it fits.
  return fit(template, vars, SUBJECT_MAX, '…').normalize('NFC');
}

function fitSms(template: string, vars: Record<string, string | number>): string {
  return fit(template, vars, SMS_MAX, '...');
}

/**
 * Fill `template` so the text fits in `max`, shortening only `title` and `zone` (with an ellipsis); as a last
 * resort (a template or URL longer than `max` on its own) the text itself is cut.
 */
function fit(template: string, vars: Record<string, string | number>, max: number, ellipsis: string): string {
  const fixed = fill(template, { ...vars, title: '', zone: '' }).length;
  const room = Math.max(0, max - fixed);
  const title = String(vars.title);
  const zone = String(vars.zone);
  // The zone gets at most a third of the room; the title takes the rest, and hands back what it does not use.
  const zoneShare = Math.min(zone.length, Math.floor(room / 3));
  const titleRoom = Math.min(title.length, room - zoneShare);
  const zoneRoom = Math.min(zone.length, room - titleRoom);
  const text = fill(template, { ...vars, title: shorten(title, titleRoom, ellipsis), zone: shorten(zone, zoneRoom, ellipsis) });
  return text.length <= max ? text : text.slice(0, max);
}

function shorten(s: string, n: number, ellipsis: string): string {
  if (s.length <= n) return s;
  // Never leave half of a surrogate pair behind.
  const cut = (k: number) => s.slice(0, k).replace(/[\uD800-\uDBFF]$/, '');
  if (n <= ellipsis.length) return cut(n);
  return cut(n - ellipsis.length).trimEnd() + ellipsis;
}

function capitalize(s: string, locale: Locale): string {
  return s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);
}

function mapValues<T extends Record<string, string | number>>(o: T, f: (s: string) => string): Record<string, string | number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? f(v) : v]));
}
