// Local-time arithmetic for rules and text: instants are UTC, windows and display are in the province timezone.

/** A local-time window "HH:mm"-"HH:mm"; `from` > `to` means it crosses midnight (22:00-05:00). */
export interface LocalWindow {
  readonly from: string;
  readonly to: string;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

/** Calendar fields of `instant` in `timeZone`. */
export function localParts(instant: string | Date, timeZone: string) {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const p = Object.fromEntries(formatter(timeZone).formatToParts(d).map((x) => [x.type, x.value]));
  return {
    year: p.year!,
    month: p.month!,
    day: p.day!,
    hour: p.hour!,
    minute: p.minute!,
    second: p.second!,
  };
}

/** Minutes since local midnight of `instant` in `timeZone` (0..1439). */
export function localMinuteOfDay(instant: string | Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Number(p.hour) * 60 + Number(p.minute);
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `instant` falls inside `window` in `timeZone`: `from` inclusive, `to` exclusive.
 * A window whose `from` is later than its `to` crosses midnight; `from` equal to `to` means all day.
 */
export function inLocalWindow(instant: string | Date, window: LocalWindow | undefined, timeZone: string): boolean {
  if (!window) return true;
  const m = localMinuteOfDay(instant, timeZone);
  const from = minutes(window.from);
  const to = minutes(window.to);
  if (from === to) return true;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** `dd/MM/yyyy HH:mm` in `timeZone`, the format Vietnamese operators read. */
export function formatLocal(instant: string | Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}
