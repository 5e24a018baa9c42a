// The console's runtime configuration: fetched from config.json next to index.html, so one build serves every province.

/** Local tokens for the sign-in screen of the local province (never present in a deployed config.json). */
export interface LocalTokens {
  readonly operator?: string;
  readonly supervisor?: string;
  readonly admin?: string;
}

/** What `config.json` carries. */
export interface ConsoleConfig {
  /** Base URL of the operator API; relative URLs are resolved against the page. */
  readonly apiUrl: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Cognito managed login domain (`https://<prefix>.auth.<region>.amazoncognito.com`); absent: no hosted sign-in. */
  readonly cognitoDomain?: string;
  readonly province: { readonly code: string; readonly name: string; readonly timezone: string };
  readonly local?: { readonly tokens?: LocalTokens };
}

/** A config.json that is missing a field or has one of the wrong type; `path` names the field. */
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`config.json: ${path}: ${message}`);
    this.name = 'ConfigError';
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function str(o: Record<string, unknown>, key: string, path: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || (v === '' && key !== 'apiUrl')) throw new ConfigError(`${path}.${key}`, 'a non-empty string');
  return v;
}

/** Checks a parsed config.json; throws a {@link ConfigError} naming the first bad field. */
export function parseConfig(raw: unknown): ConsoleConfig {
  if (!isObject(raw)) throw new ConfigError('$', 'a JSON object');
  const province = raw.province;
  if (!isObject(province)) throw new ConfigError('$.province', 'an object {code, name, timezone}');
  const timezone = str(province, 'timezone', '$.province')!;
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ConfigError('$.province.timezone', 'an IANA timezone such as Asia/Ho_Chi_Minh');
  }
  let local: ConsoleConfig['local'];
  if (raw.local !== undefined) {
    if (!isObject(raw.local)) throw new ConfigError('$.local', 'an object');
    const t = raw.local.tokens;
    if (t !== undefined && !isObject(t)) throw new ConfigError('$.local.tokens', 'an object {operator, supervisor, admin}');
    local = t
      ? {
          tokens: {
            operator: str(t, 'operator', '$.local.tokens', true),
            supervisor: str(t, 'supervisor', '$.local.tokens', true),
            admin: str(t, 'admin', '$.local.tokens', true),
          },
        }
      : {};
  }
  const cognitoDomain = str(raw, 'cognitoDomain', '$', true);
  if (cognitoDomain !== undefined && !/^https:\/\/[^/]+$/.test(cognitoDomain.replace(/\/$/, ''))) {
    throw new ConfigError('$.cognitoDomain', 'an https:// origin such as https://ioc-da-nang.auth.ap-southeast-1.amazoncognito.com');
  }
  return {
    apiUrl: str(raw, 'apiUrl', '$')!,
    region: str(raw, 'region', '$')!,
    userPoolId: str(raw, 'userPoolId', '$')!,
    userPoolClientId: str(raw, 'userPoolClientId', '$')!,
    cognitoDomain: cognitoDomain?.replace(/\/$/, ''),
    province: { code: str(province, 'code', '$.province')!, name: str(province, 'name', '$.province')!, timezone },
    local,
  };
}
