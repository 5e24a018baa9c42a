// npm run report: options and period parsing, reading GET /kpis with clear errors, and the whole run against a fake API.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiFetchError, fetchKpis } from '../../lib/economics/kpi-client.ts';
import { ReportUsageError, parsePeriodValue, parseReportArgs } from '../../lib/economics/report-args.ts';
import { daNang, hue } from './kpi-fixtures.ts';

describe('report options', () => {
  it('reads dates as whole local days (UTC+7), --to inclusive, and instants as given', () => {
    expect(parsePeriodValue('--from', '2026-12-01')).toBe('2026-11-30T17:00:00.000Z');
    expect(parsePeriodValue('--to', '2026-12-31')).toBe('2026-12-31T17:00:00.000Z');
    expect(parsePeriodValue('--from', '2026-12-01T21:00:00+07:00')).toBe('2026-12-01T14:00:00.000Z');
    expect(parsePeriodValue('--to', '2026-12-01T14:00Z')).toBe('2026-12-01T14:00:00.000Z');
  });

  it('refuses bad dates with what was expected', () => {
    expect(() => parsePeriodValue('--from', 'yesterday')).toThrow(/--from must be a date \(2026-12-01\) or an instant with its offset/);
    expect(() => parsePeriodValue('--from', '2026-02-30')).toThrow(/--from "2026-02-30" is not a real date/);
    expect(() => parsePeriodValue('--to', '2026-12-01T21:00:00')).toThrow(/an instant with its offset/);
    expect(() => parseReportArgs(['--province', 'da-nang', '--from', '2026-12-31', '--to', '2026-12-01', '--api', 'http://x', '--token', 't'])).toThrow(
      /--from \(2026-12-30T17:00:00\.000Z\) must be before --to/,
    );
  });

  it('pairs --api/--token with --province in order, or takes them from SMARTCITY_API_<CODE>', () => {
    const a = parseReportArgs(['--province', 'da-nang', '--province', 'hue', '--from', '2026-12-01', '--to', '2026-12-31', '--api', 'https://a', '--token', 'ta', '--api', 'https://b', '--token', 'tb']);
    expect(a.provinces).toEqual([
      { code: 'da-nang', api: 'https://a', token: 'ta' },
      { code: 'hue', api: 'https://b', token: 'tb' },
    ]);
    expect(a).toMatchObject({ lang: 'vi', out: 'report', local: false });
    const b = parseReportArgs(['--province', 'da-nang', '--from', '2026-12-01', '--to', '2026-12-31', '--lang', 'en'], {
      SMARTCITY_API_DA_NANG: 'https://env',
      SMARTCITY_TOKEN_DA_NANG: 'te',
    });
    expect(b.provinces).toEqual([{ code: 'da-nang', api: 'https://env', token: 'te' }]);
    expect(b.lang).toBe('en');
  });

  it('says what is missing', () => {
    const base = ['--from', '2026-12-01', '--to', '2026-12-31'];
    expect(() => parseReportArgs(base)).toThrow(/which province\? give --province <code>/);
    expect(() => parseReportArgs(['--province', 'atlantis', ...base])).toThrow(/not one of the 34 unit codes/);
    expect(() => parseReportArgs(['--province', 'da-nang', ...base])).toThrow(/da-nang: no API to read the KPIs from: .*SMARTCITY_API_DA_NANG.*or use --local/);
    expect(() => parseReportArgs(['--province', 'da-nang', '--province', 'hue', ...base, '--api', 'https://a', '--token', 't'])).toThrow(/one --api\/--token pair per --province/);
    expect(() => parseReportArgs(['--province', 'da-nang', ...base, '--lang', 'fr'])).toThrow(ReportUsageError);
    expect(() => parseReportArgs(['--province', 'da-nang', '--api', 'https://a', '--token', 't'])).toThrow(/give the period/);
  });

  it('--local needs no API and defaults to tonight 21:00–05:00 local time', () => {
    expect(parseReportArgs(['--province', 'da-nang', '--local']).speed).toBe(60);
    const a = parseReportArgs(['--province', 'da-nang', '--local', '--speed', '600'], {}, new Date('2026-11-25T10:00:00Z'));
    expect(a).toMatchObject({ local: true, speed: 600, from: '2026-11-25T14:00:00.000Z', to: '2026-11-25T22:00:00.000Z', provinces: [{ code: 'da-nang' }] });
    expect(() => parseReportArgs(['--province', 'da-nang', '--local', '--api', 'https://a'])).toThrow(/leave out --api/);
  });
});

describe('reading GET /kpis', () => {
  const req = { province: 'da-nang', api: 'https://api.example/', token: 'jwt', from: daNang.from, to: daNang.to };
  const answer = (status: number, body: unknown): typeof fetch => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

  it('asks with the token and the period, and returns the validated KPIs', async () => {
    let seen: { url: string; auth: string | null } | undefined;
    const fake = (async (url: URL, init: RequestInit) => {
      seen = { url: String(url), auth: new Headers(init.headers).get('authorization') };
      return new Response(JSON.stringify({ ...daNang, extra: 'kept' }), { status: 200 });
    }) as unknown as typeof fetch;
    const k = await fetchKpis({ ...req, fetch: fake });
    expect(k.incidents.total).toBe(12);
    expect(seen).toEqual({ url: `https://api.example/kpis?from=${encodeURIComponent(daNang.from)}&to=${encodeURIComponent(daNang.to)}`, auth: 'Bearer jwt' });
  });

  it('turns failures into one clear message each', async () => {
    await expect(fetchKpis({ ...req, fetch: answer(401, { message: 'Unauthorized' }) })).rejects.toThrow(/^da-nang: the API refused the token \(HTTP 401\)/);
    await expect(fetchKpis({ ...req, fetch: answer(403, {}) })).rejects.toThrow(/operator, supervisor or admin group/);
    await expect(fetchKpis({ ...req, fetch: answer(400, { message: 'Invalid query: $.from: from must not be after to' }) })).rejects.toThrow(
      /refused the period \(HTTP 400\): Invalid query: \$\.from/,
    );
    await expect(fetchKpis({ ...req, fetch: answer(502, { message: 'Internal Server Error' }) })).rejects.toThrow(/the API failed \(HTTP 502\): Internal Server Error/);
    await expect(fetchKpis({ ...req, fetch: answer(200, { ...daNang, incidents: { total: 'many' } }) })).rejects.toThrow(/unexpected answer from GET \/kpis \(\$\.incidents\.total/);
    await expect(fetchKpis({ ...req, fetch: answer(200, hue) })).rejects.toThrow(/serves hue, not da-nang/);
    await expect(fetchKpis({ ...req, api: 'not a url' })).rejects.toThrow(/is not a URL/);
    const refused = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    await expect(fetchKpis({ ...req, fetch: refused })).rejects.toThrow(new KpiFetchError('da-nang: cannot reach the API at https://api.example/ (ECONNREFUSED); check --api and the network'));
  });
});

describe('npm run report against an API', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const code = url.pathname.split('/')[1];
      if (req.headers.authorization !== 'Bearer good') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Unauthorized' }));
        return;
      }
      const k = code === 'hue' ? hue : daNang;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...k, from: url.searchParams.get('from'), to: url.searchParams.get('to') }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const report = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['scripts/report.ts', ...args]);
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('writes report.html and report.md for two provinces side by side, with progress on stderr', async () => {
    const out = mkdtempSync(join(tmpdir(), 'report-'));
    const r = await report('--province', 'da-nang', '--province', 'hue', '--from', '2026-12-01', '--to', '2026-12-31', '--api', `${base}/da-nang/`, '--token', 'good', '--api', `${base}/hue/`, '--token', 'good', '--out', out);
    expect(r.stderr).toContain('report: [1/2] da-nang: GET');
    expect(r.stderr).toContain('report: [2/2] hue: GET');
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Kỳ đánh giá: 01/12/2026 – 31/12/2026');
    expect(html).toContain('<div class="cols" style="--n:2">');
    // Rule titles come from provinces/da-nang.json
    expect(html).toContain('Tụ tập đông người ban đêm tại Bạch Đằng');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/^# Báo cáo đánh giá thí điểm đô thị thông minh/);
  }, 30_000);

  it('exits 1 with a clear message on a refused token, 2 on a bad date', async () => {
    const refused = await report('--province', 'da-nang', '--from', '2026-12-01', '--to', '2026-12-31', '--api', `${base}/da-nang/`, '--token', 'bad');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/npm run report: da-nang: the API refused the token \(HTTP 401\)/);
    const badDate = await report('--province', 'da-nang', '--from', '01/12/2026', '--to', '2026-12-31', '--api', `${base}/da-nang/`, '--token', 'good');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--from must be a date \(2026-12-01\)/);
    // a port nobody listens on any more
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await report('--province', 'da-nang', '--from', '2026-12-01', '--to', '2026-12-31', '--api', `http://127.0.0.1:${port}/`, '--token', 'good');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`da-nang: cannot reach the API at http://127.0.0.1:${port}/ (ECONNREFUSED)`);
  }, 30_000);
});
