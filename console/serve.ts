// Serves the built console (console/dist) and its runtime config.json from a node:http server: the local province
// passes this as the `fallback` of its HTTP API, so the console and the API share one origin.
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { ConsoleConfig } from './src/config.ts';

export type { ConsoleConfig } from './src/config.ts';

/** The built console, next to this file. */
export const CONSOLE_DIST = resolve(new URL('.', import.meta.url).pathname, 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Options of {@link consoleFallback}. */
export interface ConsoleFallbackOptions {
  /**
   * Extra `img-src` sources: where the latest-frame links point (presigned S3 URLs; locally moto on 127.0.0.1).
   * @default ['http://127.0.0.1:*', 'http://localhost:*']
   */
  readonly imgSrc?: readonly string[];
}

const originOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return /^https?:\/\//.test(url) ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/** The Content-Security-Policy of the console for `config`: everything from 'self', the API and the sign-in domain. */
export function consoleCsp(config: Pick<ConsoleConfig, 'apiUrl' | 'cognitoDomain'>, imgSrc: readonly string[] = ['http://127.0.0.1:*', 'http://localhost:*']): string {
  const connect = ["'self'", originOf(config.apiUrl), originOf(config.cognitoDomain)].filter(Boolean);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob: ${imgSrc.join(' ')}`.trim(),
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${config.cognitoDomain ? ` ${originOf(config.cognitoDomain)}` : ''}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A node:http fallback that serves `distDir` (index.html at `/`, hashed assets cached for a year) and `config` as
 * `/config.json` (never cached: it may carry local tokens), with a CSP and the usual security headers. Returns false
 * for any other path or method, so the caller answers 404. `config` may be a function, read on every request.
 */
export function consoleFallback(
  distDir: string,
  config: ConsoleConfig | (() => ConsoleConfig),
  options: ConsoleFallbackOptions = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = resolve(distDir);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    const cfg = typeof config === 'function' ? config() : config;
    const headers: Record<string, string> = {
      'content-security-policy': consoleCsp(cfg, options.imgSrc),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    };
    if (path === '/config.json') {
      const body = JSON.stringify(cfg);
      res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES['.json']!, 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    const file = resolve(join(root, path === '/' ? 'index.html' : path));
    if (file !== root && !file.startsWith(root + sep)) return false;
    let body: Buffer;
    try {
      if (!statSync(file).isFile()) return false;
      body = readFileSync(file);
    } catch {
      return false;
    }
    const immutable = file.startsWith(join(root, 'assets') + sep);
    res.writeHead(200, {
      ...headers,
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-length': String(body.length),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** What {@link localConsoleConfig} needs of a local session (`local/session.ts` Session fits). */
export interface LocalSessionLike {
  readonly config: { readonly code: string; readonly name: string; readonly region: string; readonly timezone: string };
  readonly province: {
    readonly apiUrl: string;
    token(group: 'operator' | 'supervisor' | 'admin', username?: string): Promise<string>;
  };
}

/** The local client id (`local/province.ts` LOCAL_CLIENT_ID): the audience of the local tokens. */
const LOCAL_CLIENT_ID = 'local-console';

/**
 * config.json for the console of a local session: its API, the province, and one local token per role (the
 * user names `npm start` prints), so the sign-in screen offers operator / supervisor / admin.
 */
export async function localConsoleConfig(session: LocalSessionLike, apiUrl = session.province.apiUrl): Promise<ConsoleConfig> {
  const p = session.province;
  const [operator, supervisor, admin] = await Promise.all([p.token('operator', 'dieu-hanh-vien'), p.token('supervisor', 'giam-sat-vien'), p.token('admin', 'quan-tri-vien')]);
  return {
    apiUrl,
    region: session.config.region,
    userPoolId: `${session.config.region}_local`,
    userPoolClientId: LOCAL_CLIENT_ID,
    province: { code: session.config.code, name: session.config.name, timezone: session.config.timezone },
    local: { tokens: { operator, supervisor, admin } },
  };
}
