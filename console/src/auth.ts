// Sign-in: Cognito managed login (authorization code + PKCE) or, locally, a token chosen by role; the JWT's
// `cognito:groups` decide the role.
import type { ConsoleConfig } from './config.ts';
import { ROLES, type Role } from './types.ts';

/** The signed-in operator. */
export interface AuthSession {
  readonly method: 'cognito' | 'local';
  /** The access token sent to the API. */
  readonly token: string;
  readonly username: string;
  readonly groups: string[];
  /** The strongest operator role among the groups; undefined: none. */
  readonly role: Role | undefined;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly refreshToken?: string;
}

/** The payload of a JWT (no signature check: the API verifies every request). */
export function decodeJwt(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** The strongest operator role among `groups`. */
export const roleOf = (groups: readonly string[]): Role | undefined => [...ROLES].reverse().find((r) => groups.includes(r));

/** Whether `role` may do what `needed` may (roles are cumulative). */
export const atLeast = (role: Role | undefined, needed: Role): boolean => role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** A session from an access token. */
export function sessionFrom(method: AuthSession['method'], token: string, refreshToken?: string): AuthSession {
  const claims = decodeJwt(token);
  const raw = claims['cognito:groups'];
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : [];
  const username = String(claims['cognito:username'] ?? claims.username ?? claims.email ?? claims.sub ?? '?');
  const expiresAt = typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + 3600;
  return { method, token, username, groups, role: roleOf(groups), expiresAt, refreshToken };
}

const storageKey = (config: ConsoleConfig) => `ioc.session.${config.province.code}`;

/** The stored session, if it has not expired. */
export function loadSession(config: ConsoleConfig): AuthSession | undefined {
  try {
    const raw = sessionStorage.getItem(storageKey(config));
    if (!raw) return undefined;
    const s = JSON.parse(raw) as AuthSession;
    if (s.expiresAt * 1000 <= Date.now() && !s.refreshToken) return undefined;
    return s;
  } catch {
    return undefined;
  }
}

/** Keeps the session for this tab (sessionStorage: it ends with the tab). */
export function saveSession(config: ConsoleConfig, s: AuthSession | undefined): void {
  try {
    if (s) sessionStorage.setItem(storageKey(config), JSON.stringify(s));
    else sessionStorage.removeItem(storageKey(config));
  } catch {
    // storage unavailable: the session lasts as long as the page
  }
}

// ------------------------------------------------------------------------------------------------------------
// Cognito managed login: authorization code with PKCE (RFC 7636)

const PKCE_KEY = 'ioc.pkce';

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The redirect URI: this page without query or fragment (register it as a callback URL of the app client). */
export const redirectUri = (): string => `${location.origin}${location.pathname}`;

/** Sends the browser to the managed login page. */
export async function startCognitoLogin(config: ConsoleConfig): Promise<void> {
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: redirectUri(),
    scope: 'openid email',
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`${config.cognitoDomain}/oauth2/authorize?${q}`);
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

async function tokenRequest(config: ConsoleConfig, params: Record<string, string>): Promise<TokenResponse> {
  const res = await fetch(`${config.cognitoDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: config.userPoolClientId, ...params }),
  });
  const body = (await res.json().catch(() => ({}))) as TokenResponse;
  if (!res.ok || !body.access_token) throw new Error(body.error_description ?? body.error ?? `HTTP ${res.status}`);
  return body;
}

/**
 * Completes a managed login when the page was opened with `?code=…&state=…`: exchanges the code (with the PKCE
 * verifier) for tokens and cleans the address bar. Undefined when the page was not a login callback.
 */
export async function completeCognitoLogin(config: ConsoleConfig): Promise<AuthSession | undefined> {
  const q = new URLSearchParams(location.search);
  const error = q.get('error_description') ?? q.get('error');
  const code = q.get('code');
  if (!code && !error) return undefined;
  const stored = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string; hash: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}${stored?.hash ?? ''}`);
  if (error) throw new Error(error);
  if (!stored || stored.state !== q.get('state')) throw new Error('state mismatch');
  const tokens = await tokenRequest(config, { grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri(), code_verifier: stored.verifier });
  return sessionFrom('cognito', tokens.access_token, tokens.refresh_token);
}

/** A fresh access token from the refresh token; undefined when it cannot be had. */
export async function refreshCognito(config: ConsoleConfig, s: AuthSession): Promise<AuthSession | undefined> {
  if (!config.cognitoDomain || !s.refreshToken) return undefined;
  try {
    const tokens = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: s.refreshToken });
    return sessionFrom('cognito', tokens.access_token, s.refreshToken);
  } catch {
    return undefined;
  }
}

/** Where to send the browser to sign out of the managed login as well. */
export function cognitoLogoutUrl(config: ConsoleConfig): string | undefined {
  if (!config.cognitoDomain) return undefined;
  return `${config.cognitoDomain}/logout?${new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: redirectUri() })}`;
}
