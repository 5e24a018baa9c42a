// The console's language: the two catalogues, the shared status and severity labels, and province-time formatting.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { CATALOGUES, fill, formatNumber, type Locale } from '../../../lambdas/shared/domain/i18n.ts';
import { formatLocal, localParts } from '../../../lambdas/shared/domain/time.ts';
import { en } from './en.ts';
import { vi, type Messages } from './vi.ts';

export type { Locale, Messages };

/** The console's catalogues by locale. */
export const MESSAGES: Readonly<Record<Locale, Messages>> = { vi, en };

/** Everything a component needs to show text in the operator's language and the province's time. */
export interface I18n {
  readonly locale: Locale;
  /** The province's IANA timezone (every time is shown in it). */
  readonly timezone: string;
  readonly m: Messages;
  /** `template` with `{name}` placeholders filled. */
  readonly f: (template: string, vars: Readonly<Record<string, string | number>>) => string;
  /** `dd/MM/yyyy HH:mm` in the province timezone; the "never" text for null. */
  readonly time: (iso: string | null | undefined) => string;
  /** `HH:mm` in the province timezone. */
  readonly clock: (epochMs: number) => string;
  /** A number in the locale's format (vi: 3,5; en: 3.5). */
  readonly num: (n: number) => string;
  /** The label of an incident status (shared with the alert text). */
  readonly status: (s: string) => string;
  /** The label of a severity (shared with the alert text). */
  readonly severity: (s: string) => string;
  /** The unit of a measure (people_count, pm25, …), singular where the locale has one. */
  readonly unit: (measure: string, value?: number) => string;
  /** "đã leo thang" / "escalated" (shared with the alert text). */
  readonly escalated: string;
  /** Picks the `vi` or `en` text of a bilingual value. */
  readonly pick: (text: { vi: string; en: string } | undefined, fallback?: string) => string;
}

/** Builds the helpers for `locale` in `timezone`. */
export function makeI18n(locale: Locale, timezone: string): I18n {
  const m = MESSAGES[locale];
  const shared = CATALOGUES[locale];
  return {
    locale,
    timezone,
    m,
    f: fill,
    time: (iso) => (iso ? formatLocal(iso, timezone) : m.app.never),
    clock: (ms) => {
      const p = localParts(new Date(ms), timezone);
      return `${p.hour}:${p.minute}`;
    },
    num: (n) => formatNumber(n, locale),
    status: (s) => (shared.status as Record<string, string>)[s] ?? s,
    severity: (s) => (shared.severity as Record<string, string>)[s] ?? s,
    unit: (measure, value) => {
      const u = shared.units[measure];
      if (!u) return '';
      return value === 1 && u.one !== undefined ? u.one : u.other;
    },
    escalated: shared.escalated,
    pick: (text, fallback = '') => (text ? (locale === 'vi' ? text.vi : text.en) || text.vi : fallback),
  };
}

/** The current I18n. */
export const I18nContext = createContext<I18n>(makeI18n('vi', 'Asia/Ho_Chi_Minh'));

/** The current language helpers. */
export const useI18n = (): I18n => useContext(I18nContext);

/** The locale stored for this browser, Vietnamese by default. */
export function storedLocale(): Locale {
  try {
    return localStorage.getItem('ioc.locale') === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Remembers the chosen locale. */
export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem('ioc.locale', locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** Upper-cases the first letter (labels shared with running text are lower case). */
export const cap = (s: string): string => (s ? s.charAt(0).toLocaleUpperCase('vi') + s.slice(1) : s);
