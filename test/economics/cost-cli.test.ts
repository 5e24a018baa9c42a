// npm run cost as a process: the readable table, --json's shape, --savings, and clear errors.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = join('node_modules', '.bin', 'tsx');

async function cost(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['scripts/cost.ts', ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run cost', () => {
  it('prints the line items in USD and VND, the total, the budget, the knobs and the warnings', async () => {
    const { code, stdout } = await cost('provinces/da-nang.json');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Chi phí ước tính hằng tháng \/ Estimated monthly cost — Thành phố Đà Nẵng \(da-nang\)/);
    expect(stdout).toMatch(/service\s+item\s+quantity\s+unit price\s+USD\s+VND/);
    expect(stdout).toMatch(/Rekognition\s+DetectLabels \(Image API group 2\) — first 1M \*\s+38\.9k\s+\$0\.001\/image\s+38\.88\s+1,022,544/);
    expect(stdout).toMatch(/Total: \$\d+\.\d\d a month ≈ [\d,]+ VND/);
    expect(stdout).toMatch(/Budget: \$300\.00 a month — \d+% used/);
    expect(stdout).toMatch(/What each knob is worth/);
    expect(stdout).toMatch(/camera interval\s+● 10 s/);
    expect(stdout).toMatch(/Warnings:\n {2}! guard savings are design assumptions/);
  }, 30_000);

  it('--json prints the machine-readable estimate with its knobs', async () => {
    const { code, stdout } = await cost('provinces/hue.json', '--json');
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(e).toMatchObject({
      province: { code: 'hue', name: 'Thành phố Huế', region: 'ap-southeast-1' },
      currency: 'USD',
      month: { days: 30, hours: 730 },
      budget: { monthlyUsd: expect.any(Number), share: expect.any(Number), over: expect.any(Boolean) },
      volumes: expect.objectContaining({ imagesAnalysed: expect.any(Number), framesCapped: expect.any(Number), sensorReadings: expect.any(Number) }),
      pricing: { asOf: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), regionsUsed: expect.any(Array), fallbacks: expect.any(Array) },
    });
    for (const l of e.lines) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['service', 'item', 'quantity', 'unit', 'unitPrice', 'usd', 'price']));
    }
    expect(e.totalUsd).toBeCloseTo(e.lines.reduce((s: number, l: { usd: number }) => s + l.usd, 0), 5);
    expect(e.knobs.length).toBeGreaterThan(6);
    expect(e.knobs[0]).toEqual(expect.objectContaining({ knob: expect.any(String), option: expect.any(String), totalUsd: expect.any(Number), deltaUsd: expect.any(Number) }));
    expect(Array.isArray(e.warnings)).toBe(true);
  }, 30_000);

  it('--savings takes the measured guard savings from the benchmark results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-'));
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify({ rekognition: { savingsByGuard: { activeHours: 0, adaptiveSampling: 0.8, changeGating: 0.18 } } }));
    const { code, stdout } = await cost('provinces/da-nang.json', '--json', '--savings', file);
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(e.options.savings.adaptiveSampling).toBeCloseTo(0.8, 9);
    expect(e.options.savings.changeGating).toBeCloseTo(0.9, 9);
    expect(e.options.savingsSource).toBe(`measured (${file})`);
    // 2 cameras × 4,320 a night × 30 × 0.2 × 0.1
    expect(e.volumes.imagesAnalysed).toBe(5184);
    expect(e.warnings.join('\n')).not.toMatch(/design assumptions/);
  }, 30_000);

  it('--savings with results that have no guard savings yet falls back to the design assumptions and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-'));
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify({ streamProcessor: { recordsPerSecond: 1 } }));
    const { code, stdout, stderr } = await cost('provinces/da-nang.json', '--json', '--savings', file);
    expect(code).toBe(0);
    expect(stderr).toContain(`npm run cost: ${file} has no rekognition.savingsByGuard yet (run npm run bench): using the design assumptions`);
    expect(JSON.parse(stdout).options.savings).toEqual({ adaptiveSampling: 0.5, changeGating: 0.7 });
  }, 30_000);

  it('a bad config path is a clear error and exit code 1, no stack trace', async () => {
    const { code, stdout, stderr } = await cost('provinces/nowhere.json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('provinces/nowhere.json: invalid province config\n  $: expected a readable file (ENOENT)');
  }, 30_000);

  it('an invalid config names the JSON path; a missing argument or unknown option prints the usage (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-'));
    const file = join(dir, 'hue.json');
    writeFileSync(file, JSON.stringify({ code: 'hue', name: 'Thành phố Huế', modules: ['crowd'], zones: [{ id: 'z1', name: 'Z' }], pilot: { start: '2026-12-01', end: '2027-11-30' }, budget: { monthlyUsd: -5 } }));
    const bad = await cost(file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid province config\n {2}\$\.budget\.monthlyUsd: expected/);
    const none = await cost();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/which province\? give provinces\/<code>\.json/);
    const unknown = await cost('provinces/hue.json', '--frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --frobnicate/);
  }, 30_000);
});
