// consoleFallback: the built console and config.json over node:http, with a CSP; anything else is left to the caller.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCsp, consoleFallback, localConsoleConfig, type ConsoleConfig } from '../../console/serve.ts';

const config: ConsoleConfig = {
  apiUrl: 'http://127.0.0.1:4000',
  region: 'ap-southeast-1',
  userPoolId: 'ap-southeast-1_local',
  userPoolClientId: 'local-console',
  province: { code: 'hue', name: 'Thành phố Huế', timezone: 'Asia/Ho_Chi_Minh' },
  local: { tokens: { operator: 'op.token.x' } },
};

let server: Server;
let base: string;

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>IOC</title>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(tmpdir(), 'secret.txt'), 'no');
  const fallback = consoleFallback(dist, () => config);
  server = createServer((req, res) => {
    if (!fallback(req, res)) {
      res.writeHead(404);
      res.end('api 404');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('consoleFallback', () => {
  it('serves index.html at / with a CSP and no caching', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>IOC</title>');
  });

  it('serves config.json from the config, never cached', async () => {
    const res = await fetch(`${base}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(config);
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const js = await fetch(`${base}/assets/index-abc.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const css = await fetch(`${base}/assets/index-abc.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('leaves API paths, unknown files, other methods and paths outside dist to the caller', async () => {
    expect((await fetch(`${base}/incidents`)).status).toBe(404);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/assets/..%2f..%2fsecret.txt`)).status).toBe(404);
  });
});

describe('consoleCsp', () => {
  it('allows the API, the sign-in domain and the frame links, nothing inline', () => {
    const csp = consoleCsp({ apiUrl: 'https://abc.execute-api.ap-southeast-1.amazonaws.com/', cognitoDomain: 'https://ioc.auth.ap-southeast-1.amazoncognito.com' }, ['https://frames.s3.ap-southeast-1.amazonaws.com']);
    expect(csp).toContain("connect-src 'self' https://abc.execute-api.ap-southeast-1.amazonaws.com https://ioc.auth.ap-southeast-1.amazoncognito.com");
    expect(csp).toContain('img-src \'self\' data: blob: https://frames.s3.ap-southeast-1.amazonaws.com');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('localConsoleConfig', () => {
  it('gives a token per role and the province of the session', async () => {
    const c = await localConsoleConfig({
      config: { code: 'hue', name: 'Thành phố Huế', region: 'ap-southeast-1', timezone: 'Asia/Ho_Chi_Minh' },
      province: { apiUrl: 'http://127.0.0.1:9', token: async (group, username) => `${group}:${username}` },
    });
    expect(c.apiUrl).toBe('http://127.0.0.1:9');
    expect(c.local?.tokens).toEqual({ operator: 'operator:dieu-hanh-vien', supervisor: 'supervisor:giam-sat-vien', admin: 'admin:quan-tri-vien' });
    expect(c.province).toEqual({ code: 'hue', name: 'Thành phố Huế', timezone: 'Asia/Ho_Chi_Minh' });
  });
});
