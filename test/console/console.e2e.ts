// The operations console in a real browser (playwright-core driving Debian's chromium) against the local province:
// an operator handles the simulated night crowd from its first alert to resolution, in Vietnamese; the camera wall
// draws boxes; English on request; rules are read-only to operators and validated by the API for supervisors.
// Screenshots of each screen go to .local/artifacts/console/ (and to docs/screenshots/ with UPDATE_SCREENSHOTS=1).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST, consoleFallback, localConsoleConfig, type ConsoleConfig } from '../../console/serve.ts';
import { ROOT, startSession, type Session, type SessionOptions } from '../../local/session.ts';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, '.local', 'artifacts', 'console');
const DOCS = join(ROOT, 'docs', 'screenshots');
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === '1';
/** Simulated seconds per second: the night crowd opens its incident about 40 s after the start. */
const SPEED = Number(process.env.CONSOLE_E2E_SPEED ?? 60);
/** The whole run stays under 5 minutes: every wait is cut to what is left of it. */
const DEADLINE = Date.now() + 285_000;
const within = (ms: number) => Math.max(1_000, Math.min(ms, DEADLINE - Date.now()));
const WALL = { width: 1920, height: 1080 };
const LAPTOP = { width: 1366, height: 768 };

const sessionLog: string[] = [];
const browserProblems: string[] = [];
let session: Session | undefined;
let front: { url: string; stop: () => Promise<void> } | undefined;
let browser: Browser | undefined;
let config: ConsoleConfig;
let origin: string;
let operatorContext: BrowserContext;
let operator: Page;
/** The night crowd's incident the operator handled (shown again in English). */
let nightIncident: string;

/** The local API's fallback already serves the console once session/start pass `fallback` through; until then a
 * front server on another port tries the console first and forwards everything else to the API. */
async function startFront(fallback: (req: IncomingMessage, res: ServerResponse) => boolean, apiUrl: string) {
  const target = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    if (fallback(req, res)) return;
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function shot(page: Page, name: string, fullPage = false) {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  if (UPDATE_DOCS) copyFileSync(file, join(DOCS, `${name}.png`));
}

function watch(page: Page) {
  page.on('pageerror', (e) => browserProblems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (400|409)/.test(m.text())) browserProblems.push(`console: ${m.text()}`);
  });
}

async function signIn(context: BrowserContext, role: 'operator' | 'supervisor', screenshot?: string): Promise<Page> {
  const page = await context.newPage();
  watch(page);
  await page.goto(`${origin}/`);
  const button = page.locator(`button[data-role="${role}"]`);
  await button.waitFor({ timeout: within(15_000) });
  if (screenshot) await shot(page, screenshot);
  await button.click();
  await page.locator('[data-testid="signed-in-as"]').waitFor({ timeout: within(10_000) });
  return page;
}

/** Clicks an incident action and waits for its outcome; retries once from the conflict panel if one shows. */
async function act(page: Page, action: 'acknowledge' | 'resolve', note: string) {
  await page.fill('#incident-note', note);
  await page.click(`button[data-action="${action}"]`);
  const outcome = page.locator('.action-message .notice-ok, [data-testid="conflict"]').first();
  await outcome.waitFor({ timeout: within(15_000) });
  if (await page.locator('[data-testid="conflict"]').isVisible()) {
    await page.getByRole('button', { name: 'Thử lại với trạng thái mới' }).click();
    await page.locator('.action-message .notice-ok').waitFor({ timeout: within(15_000) });
  }
}

/** Waits until `locator`'s text contains `text` (Playwright's own matchers belong to @playwright/test, not used here). */
const hasText = (locator: Locator, text: string | RegExp, timeout = 10_000) =>
  expect
    .poll(async () => (await locator.first().textContent({ timeout: 1_000 }).catch(() => '')) ?? '', { timeout: within(timeout), interval: 200 })
    .toMatch(typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text);
const visible = (locator: Locator, timeout = 10_000) => locator.first().waitFor({ state: 'visible', timeout: within(timeout) });
const countOf = (locator: Locator, n: number, timeout = 10_000) => expect.poll(() => locator.count(), { timeout: within(timeout), interval: 200 }).toBe(n);
const attributeOf = (locator: Locator, name: string, value: string, timeout = 10_000) =>
  expect.poll(() => locator.first().getAttribute(name), { timeout: within(timeout), interval: 200 }).toBe(value);

const detailStatus = (page: Page) => page.locator('[data-testid="incident-detail"] .incident-badges .status').first();

describe.sequential('operations console (Debian chromium, local province)', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (UPDATE_DOCS) mkdirSync(DOCS, { recursive: true });
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    await run(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT });

    const holder: { config?: ConsoleConfig } = {};
    const fallback = consoleFallback(CONSOLE_DIST, () => holder.config!);
    // `fallback` is passed along for when SessionOptions carries it; the probe below finds out who serves the console.
    const options: SessionOptions & { fallback: typeof fallback } = {
      code: 'da-nang',
      speed: SPEED,
      simulate: true,
      episodes: true,
      skipSynth: process.env.CONSOLE_E2E_SKIP_SYNTH === '1',
      log: (l) => sessionLog.push(l),
      fallback,
    };
    session = await startSession(options);
    const apiUrl = session.province.apiUrl;
    holder.config = await localConsoleConfig(session, apiUrl);
    const probe = await fetch(`${apiUrl}/config.json`).catch(() => undefined);
    if (probe?.ok) origin = apiUrl;
    else {
      front = await startFront(fallback, apiUrl);
      origin = front.url;
      holder.config = { ...holder.config, apiUrl: front.url };
    }
    config = holder.config;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright adds --headless and a fresh --user-data-dir (a new temporary profile per launch).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    operatorContext = await browser.newContext({ viewport: WALL, locale: 'vi-VN', timezoneId: 'UTC' });
    operator = await signIn(operatorContext, 'operator', 'sign-in');
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await front?.stop().catch(() => undefined);
    await session?.stop();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'session.log'), sessionLog.join('\n'));
    writeFileSync(join(ARTIFACTS, 'browser.log'), browserProblems.join('\n'));
  });

  it('shows the night crowd on the board with a cue; the operator acknowledges and resolves it, in the audit trail', async () => {
    const card = operator.locator('[data-rule="crowd-bach-dang-night"]').first();
    await card.waitFor({ timeout: within(150_000) });
    await visible(operator.locator('[data-testid="new-incident-cue"]'));
    // One cue names the new incident(s): "Sự cố mới: …" or "2 sự cố mới: …" when both crowds opened between two polls.
    await hasText(operator.locator('[data-testid="new-incident-cue"]'), /sự cố mới: .*Bạch Đằng/i);
    await hasText(card, 'Tụ tập đông người ban đêm tại Bạch Đằng');
    await shot(operator, 'board-new-incident');

    nightIncident = (await card.getAttribute('data-incident'))!;
    await card.click();
    await hasText(detailStatus(operator), 'Mới');
    await act(operator, 'acknowledge', 'Đã cử tổ tuần tra đến Bạch Đằng');
    await hasText(detailStatus(operator), 'Đã tiếp nhận', 10_000);
    await shot(operator, 'incident-acknowledged');

    await act(operator, 'resolve', 'Đám đông đã giải tán');
    await hasText(detailStatus(operator), 'Đã xử lý', 10_000);
    const audit = operator.locator('[data-testid="audit"]');
    await hasText(audit, 'tiếp nhận', 10_000);
    await hasText(audit, 'xử lý xong', 10_000);
    await hasText(audit, 'dieu-hanh-vien');
    await hasText(audit, 'Đám đông đã giải tán');
    // Resolved incidents leave the board.
    await countOf(operator.locator('.incident-list [data-rule="crowd-bach-dang-night"]'), 0, 10_000);
    await shot(operator, 'incident-resolved');
  });

  it('shows who changed an incident first (409) and lets the operator go on from the current state', async () => {
    const card = operator.locator('[data-rule="crowd-cau-rong-night"]').first();
    await card.waitFor({ timeout: within(90_000) });
    await card.click();
    const id = (await card.getAttribute('data-incident'))!;
    await hasText(detailStatus(operator), 'Mới');
    // Hold the board's refresh of this incident so the page still shows "open" when a supervisor acknowledges it.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const detailUrl = (u: URL) => u.pathname === `/incidents/${id}`;
    await operator.route(detailUrl, async (route) => {
      await gate;
      await route.continue().catch(() => undefined);
    });
    const res = await fetch(`${config.apiUrl}/incidents/${id}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.local!.tokens!.supervisor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'Giám sát viên tiếp nhận trước' }),
    });
    expect(res.status).toBe(200);
    await operator.click('button[data-action="acknowledge"]');
    const conflict = operator.locator('[data-testid="conflict"]');
    await visible(conflict, 10_000);
    await hasText(conflict, 'đã tiếp nhận');
    await hasText(operator.locator('[data-testid="incident-detail"]'), 'giam-sat-vien');
    await shot(operator, 'incident-conflict');
    release();
    await operator.unroute(detailUrl);
    await operator.getByRole('button', { name: 'Bỏ qua' }).click();
    await act(operator, 'resolve', 'Đã phối hợp với giám sát viên');
    await hasText(detailStatus(operator), 'Đã xử lý', 10_000);
  });

  it('draws the counted people and the region of interest over each camera frame', async () => {
    await operator.click('[data-screen="cameras"]');
    await operator.locator('.camera-tile').first().waitFor({ timeout: within(15_000) });
    await operator.locator('.camera-tile svg.overlay rect.box').first().waitFor({ state: 'attached', timeout: within(30_000) });
    await operator.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.frame img')].some((i) => i.complete && i.naturalWidth > 0), undefined, { timeout: within(15_000) });
    await countOf(operator.locator('.camera-tile svg.overlay polygon.roi'), 2);
    await hasText(operator.locator('.camera-tile').first(), 'Số người');
    await shot(operator, 'camera-wall');
  });

  it('charts the zone with its threshold and incidents, the sensors with theirs, and the pilot figures', async () => {
    await operator.click('[data-screen="zones"]');
    await operator.locator('.chart-canvas canvas').first().waitFor({ timeout: within(20_000) });
    await hasText(operator.locator('.chart-legend'), 'Ngưỡng: 15 người');
    await shot(operator, 'zone');

    await operator.click('[data-screen="sensors"]');
    await operator.locator('.sensors-table tbody tr').first().waitFor({ timeout: within(15_000) });
    await operator.locator('.chart-canvas canvas').first().waitFor({ timeout: within(20_000) });
    await hasText(operator.locator('.chart-legend'), 'Ngưỡng > 150');
    await shot(operator, 'sensors');

    await operator.click('[data-screen="pilot"]');
    await operator.locator('[data-testid="kpis"], [data-testid="kpi-empty"]').first().waitFor({ timeout: within(20_000) });
    await shot(operator, 'pilot', true);
  });

  it('switches to English and back', async () => {
    await operator.goto(`${origin}/#/incidents/${nightIncident}`);
    await hasText(operator.locator('[data-testid="audit"]'), 'xử lý xong');
    await operator.setViewportSize(LAPTOP);
    await shot(operator, 'incident-laptop');
    await operator.setViewportSize(WALL);
    await operator.click('[data-testid="language-toggle"]');
    await attributeOf(operator.locator('html'), 'lang', 'en');
    await hasText(operator.locator('nav'), 'Incidents');
    await hasText(operator.locator('h1'), 'Incident board');
    await hasText(operator.locator('#incident-title'), 'Night-time crowd on Bach Dang');
    await hasText(detailStatus(operator), 'Resolved');
    await hasText(operator.locator('[data-testid="audit"]'), 'acknowledged');
    await shot(operator, 'incident-english');
    await operator.click('[data-testid="language-toggle"]');
    await hasText(operator.locator('h1'), 'Bảng sự cố');
  });

  it('shows the rules read-only to an operator', async () => {
    await operator.click('[data-screen="rules"]');
    await visible(operator.locator('[data-testid="rules-read-only"]'), 10_000);
    await operator.click('tr[data-rule="crowd-bach-dang-night"] a');
    const editor = operator.locator('[data-testid="rule-editor"]');
    await editor.waitFor({ timeout: within(10_000) });
    expect(await editor.locator('#rule-minPeople').isDisabled()).toBe(true);
    expect(await editor.locator('#rule-severity').isDisabled()).toBe(true);
    await countOf(editor.locator('button[type="submit"]'), 0);
    await shot(operator, 'rules-read-only', true);
  });

  it("lets a supervisor edit a threshold, with the API's validation message next to the field", async () => {
    const context = await browser!.newContext({ viewport: WALL, locale: 'vi-VN' });
    const page = await signIn(context, 'supervisor');
    await page.goto(`${origin}/#/rules/crowd-cau-rong-night`);
    const field = page.locator('#rule-minPeople');
    await field.waitFor({ timeout: within(10_000) });
    await field.fill('0');
    await page.click('button[type="submit"]');
    const error = page.locator('[data-testid="error-minPeople"]');
    await visible(error, 10_000);
    await hasText(error, '1');
    await attributeOf(field, 'aria-invalid', 'true');
    await shot(page, 'rules-validation', true);

    await field.fill('30');
    await page.click('button[type="submit"]');
    await hasText(page.locator('[data-testid="rule-status"]'), 'phiên bản 1', 10_000);
    await hasText(page.locator('tr[data-rule="crowd-cau-rong-night"]'), '30', 10_000);
    await context.close();
  });

  it('raised no page errors and no Content Security Policy violations', () => {
    expect(browserProblems).toEqual([]);
  });
});
