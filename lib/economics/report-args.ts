// Command-line options of `npm run report`, with errors that say what was expected.
import { UNITS } from '../config/schema.ts';
import type { Lang } from './report-i18n.ts';

/** A usage problem: printed with the usage, exit code 2. */
export class ReportUsageError extends Error {
  override readonly name = 'ReportUsageError';
}

/** One province to report on, with its API (absent with --local). */
export interface ReportTarget {
  readonly code: string;
  readonly api?: string;
  readonly token?: string;
}

/** Parsed options. */
export interface ReportArgs {
  readonly provinces: ReportTarget[];
  /** The period, UTC ISO instants; `to` exclusive. */
  readonly from: string;
  readonly to: string;
  readonly local: boolean;
  /** Simulated seconds per wall second with --local. */
  readonly speed: number;
  readonly skipSynth: boolean;
  readonly lang: Lang;
  readonly out: string;
}

export const REPORT_USAGE = `usage: npm run report -- --province <code> [--province <code> …] --from <date|instant> --to <date|instant> [options]

  --api <url> --token <jwt>   a deployed province's ApiUrl and an operator's access token, one pair per --province
                              in the same order (or SMARTCITY_API_<CODE> / SMARTCITY_TOKEN_<CODE>, e.g. SMARTCITY_API_DA_NANG)
  --local                     bring up each province locally with simulated devices, run the period at --speed, read its KPIs
  --speed <n>                 with --local: simulated seconds per second (default 60; the simulator's cameras fall
                              behind much above that, which shows as low camera uptime)
  --skip-synth                with --local: use the templates already in cdk.out
  --lang vi|en                report language (default vi)
  --out <dir>                 where report.html and report.md go (default report/)

Dates: 2026-12-01 is a whole local day (Asia/Ho_Chi_Minh, UTC+7) and --to is inclusive; an instant
(2026-12-01T21:00:00+07:00) is used as given. With --local, --from/--to default to tonight 21:00–05:00.`;

/** Local (UTC+7) midnight of a `YYYY-MM-DD` day as a UTC instant. */
const localMidnight = (day: string) => new Date(`${day}T00:00:00+07:00`);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads a --from / --to value; a date-only `--to` means the end of that local day. */
export function parsePeriodValue(flag: '--from' | '--to', v: string): string {
  let d: Date;
  if (DATE.test(v)) {
    d = localMidnight(v);
    if (flag === '--to') d = new Date(d.getTime() + 86_400_000);
  } else if (INSTANT.test(v)) {
    d = new Date(v);
  } else {
    throw new ReportUsageError(`${flag} must be a date (2026-12-01) or an instant with its offset (2026-12-01T21:00:00+07:00), got "${v}"`);
  }
  // 2026-02-30 would roll over into March: refuse it instead.
  const day = DATE.test(v) ? v : v.slice(0, 10);
  const offset = DATE.test(v) ? '+07:00' : (/(Z|[+-]\d{2}:\d{2})$/.exec(v)![1]!);
  if (Number.isNaN(d.getTime()) || localDay(day, offset) !== day) {
    throw new ReportUsageError(`${flag} "${v}" is not a real date`);
  }
  return d.toISOString();
}

/** The calendar day of noon on `day` at `offset`, as that offset reads it (equal to `day` for real dates). */
function localDay(day: string, offset: string): string {
  const noon = new Date(`${day}T12:00:00${offset}`);
  if (Number.isNaN(noon.getTime())) return '';
  const minutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(noon.getTime() + minutes * 60_000).toISOString().slice(0, 10);
}

const envName = (kind: 'API' | 'TOKEN', code: string) => `SMARTCITY_${kind}_${code.toUpperCase().replace(/-/g, '_')}`;

/** Parses argv; `env` supplies SMARTCITY_API_<CODE> / SMARTCITY_TOKEN_<CODE>; `now` the default local night. */
export function parseReportArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, now = new Date()): ReportArgs {
  const codes: string[] = [];
  const apis: string[] = [];
  const tokens: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  let local = false;
  let speed = 60;
  let skipSynth = false;
  let lang: Lang = 'vi';
  let out = 'report';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ReportUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--province':
        codes.push(value());
        break;
      case '--api':
        apis.push(value());
        break;
      case '--token':
        tokens.push(value());
        break;
      case '--from':
        from = parsePeriodValue('--from', value());
        break;
      case '--to':
        to = parsePeriodValue('--to', value());
        break;
      case '--local':
        local = true;
        break;
      case '--speed': {
        const v = Number(value());
        if (!(v > 0 && v <= 3600)) throw new ReportUsageError('--speed must be a number between 0 and 3600 (simulated seconds per second)');
        speed = v;
        break;
      }
      case '--skip-synth':
        skipSynth = true;
        break;
      case '--lang': {
        const v = value();
        if (v !== 'vi' && v !== 'en') throw new ReportUsageError(`--lang must be vi or en, got "${v}"`);
        lang = v;
        break;
      }
      case '--out':
        out = value();
        break;
      default:
        throw new ReportUsageError(flag.startsWith('--') ? `unknown option ${flag}` : `unexpected argument "${flag}" (give provinces with --province <code>)`);
    }
  }
  if (codes.length === 0) throw new ReportUsageError('which province? give --province <code> (once per province)');
  for (const c of codes) {
    if (!UNITS.some((u) => u.code === c)) throw new ReportUsageError(`--province "${c}" is not one of the 34 unit codes (e.g. da-nang, hue, can-tho)`);
  }
  if (new Set(codes).size !== codes.length) throw new ReportUsageError('each --province once');
  if (local) {
    if (apis.length || tokens.length) throw new ReportUsageError('--local reads the KPIs from the local province: leave out --api and --token');
    if (!from && !to) {
      // Tonight 21:00–05:00 local time.
      const day = new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
      from = new Date(`${day}T21:00:00+07:00`).toISOString();
      to = new Date(Date.parse(from) + 8 * 3_600_000).toISOString();
    }
  }
  if (!from || !to) throw new ReportUsageError('give the period: --from <date> --to <date> (e.g. --from 2026-12-01 --to 2027-02-28)');
  if (from >= to) throw new ReportUsageError(`--from (${from}) must be before --to (${to})`);
  if (!local && apis.length !== tokens.length) throw new ReportUsageError(`give --api and --token in pairs (got ${apis.length} --api and ${tokens.length} --token)`);
  if (!local && apis.length > 0 && apis.length !== codes.length) {
    throw new ReportUsageError(`one --api/--token pair per --province, in the same order (got ${codes.length} provinces and ${apis.length} pairs)`);
  }
  const provinces = codes.map((code, i): ReportTarget => {
    if (local) return { code };
    const api = apis[i] ?? env[envName('API', code)] ?? (codes.length === 1 ? env.SMARTCITY_API : undefined);
    const token = tokens[i] ?? env[envName('TOKEN', code)] ?? (codes.length === 1 ? env.SMARTCITY_TOKEN : undefined);
    if (!api || !token) {
      throw new ReportUsageError(
        `${code}: no API to read the KPIs from: pass --api <ApiUrl> --token <operator access token> for each --province (in order), set ${envName('API', code)} and ${envName('TOKEN', code)}, or use --local`,
      );
    }
    return { code, api, token };
  });
  return { provinces, from, to, local, speed, skipSynth, lang, out };
}
