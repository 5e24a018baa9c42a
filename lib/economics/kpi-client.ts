// Reads `GET /kpis` from a province's API with an operator token, turning every failure into one clear message.
import { jsonPath } from '../config/schema.ts';
import { kpisSchema, type Kpis } from './kpis.ts';

/** A KPI read that failed; `message` says which province, where, and what to do. */
export class KpiFetchError extends Error {
  override readonly name = 'KpiFetchError';
}

/** What {@link fetchKpis} needs. */
export interface KpiRequest {
  readonly province: string;
  /** The API's base URL (the stack output `ApiUrl`). */
  readonly api: string;
  /** An operator's (or higher) Cognito access token. */
  readonly token: string;
  readonly from: string;
  readonly to: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** The KPIs of one province for [from, to). @throws KpiFetchError */
export async function fetchKpis(r: KpiRequest): Promise<Kpis> {
  let base: URL;
  try {
    base = new URL(r.api.endsWith('/') ? r.api : `${r.api}/`);
  } catch {
    throw new KpiFetchError(`${r.province}: "${r.api}" is not a URL (give the stack output ApiUrl, e.g. https://abc123.execute-api.ap-southeast-1.amazonaws.com/)`);
  }
  const url = new URL('kpis', base);
  url.searchParams.set('from', r.from);
  url.searchParams.set('to', r.to);
  const doFetch = r.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(url, { headers: { authorization: `Bearer ${r.token}`, accept: 'application/json' }, signal: AbortSignal.timeout(r.timeoutMs ?? 30_000) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${(r.timeoutMs ?? 30_000) / 1000} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new KpiFetchError(`${r.province}: cannot reach the API at ${base.href} (${why}); check --api and the network`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const said = (body as { message?: string } | undefined)?.message ?? text.slice(0, 200);
    if (res.status === 401) {
      throw new KpiFetchError(`${r.province}: the API refused the token (HTTP 401): it is missing, expired or from another user pool; sign in again and pass an operator's access token with --token`);
    }
    if (res.status === 403) throw new KpiFetchError(`${r.province}: the token's user may not read KPIs (HTTP 403): it must be in the operator, supervisor or admin group`);
    if (res.status === 404) throw new KpiFetchError(`${r.province}: ${url.origin}${url.pathname} does not exist (HTTP 404): is this the province's ApiUrl, and is the stack up to date?`);
    if (res.status === 400) throw new KpiFetchError(`${r.province}: the API refused the period (HTTP 400): ${said}`);
    throw new KpiFetchError(`${r.province}: the API failed (HTTP ${res.status})${said ? `: ${said}` : ''}`);
  }
  const parsed = kpisSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${jsonPath(i.path)}: ${i.message}`);
    throw new KpiFetchError(`${r.province}: unexpected answer from GET /kpis (${problems.join('; ')})`);
  }
  if (parsed.data.province.code !== r.province) {
    throw new KpiFetchError(`${r.province}: the API at ${base.href} serves ${parsed.data.province.code}, not ${r.province}: check the order of --province and --api`);
  }
  return parsed.data;
}
