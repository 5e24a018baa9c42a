// The province config: one test per class of error (file, JSON path and expectation named), defaults, JSON Schema.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAllProvinces, loadProvinceConfig, parseProvinceConfig } from '../../lib/config/load.ts';
import { provinceConfigJsonSchema } from '../../lib/config/json-schema.ts';

const base = () => JSON.parse(readFileSync('provinces/da-nang.json', 'utf8')) as Record<string, any>;

/** The problems a config gives, as "path: message" lines. */
function problems(raw: unknown): string[] {
  try {
    parseProvinceConfig(raw, 'provinces/da-nang.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message.startsWith('provinces/da-nang.json: invalid province config')).toBe(true);
    return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('province config', () => {
  it('accepts the three sample provinces and applies the documented defaults', () => {
    const all = loadAllProvinces('provinces');
    expect(all.map((c) => c.code)).toEqual(['can-tho', 'da-nang', 'hue']);
    const hue = all.find((c) => c.code === 'hue')!;
    expect(hue.region).toBe('ap-southeast-1');
    expect(hue.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(hue.stream).toEqual({ capacityMode: 'provisioned', shards: 1 });
    expect(hue.retention).toEqual({ observationDays: 180, frameDays: 3, logDays: 30 });
    expect(hue.cameras[0]!.guards).toEqual({ activeHours: true, changeGating: true, adaptiveSampling: true });
    expect(hue.sandbox).toBe(false);
  });

  it('names the JSON path of a wrong type', () => {
    expect(problems({ ...base(), budget: { monthlyUsd: 'three hundred' } })).toEqual(['$.budget.monthlyUsd: number, received string']);
  });

  it('names an unknown key (a typo never passes silently)', () => {
    expect(problems({ ...base(), modulez: ['crowd'] })[0]).toMatch(/^\$: no unknown key \(modulez\)/);
  });

  it('lists the allowed values of an enum', () => {
    expect(problems({ ...base(), modules: ['crowd', 'parking'] })).toEqual(['$.modules[1]: one of "sensors", "crowd"']);
  });

  it('refuses a reference to an undeclared zone', () => {
    const c = base();
    c.sensors[2].zone = 'dn-nowhere';
    expect(problems(c)).toEqual(['$.sensors[2].zone: a zone id declared in zones (dn-bach-dang, dn-cau-rong, dn-my-khe), got "dn-nowhere"']);
  });

  it('refuses a duplicate id, naming where it was first used', () => {
    const c = base();
    c.cameras[1].id = 'aq-dn-001';
    expect(problems(c)).toEqual(['$.cameras[1].id: a unique source id, "aq-dn-001" is already used at $.sensors[0].id']);
  });

  it('refuses a code that is not one of the 34 units, and a name that does not match the code', () => {
    expect(problems({ ...base(), code: 'sai-gon' })[0]).toMatch(/^\$\.code: one of the 34 unit codes/);
    expect(problems({ ...base(), name: 'Đà Nẵng' })).toEqual(['$.name: "Thành phố Đà Nẵng" for da-nang, got "Đà Nẵng"']);
  });

  it('refuses a pilot that ends before it starts, and a timezone that does not exist', () => {
    expect(problems({ ...base(), pilot: { start: '2027-01-01', end: '2026-12-01' } })).toEqual(['$.pilot.end: a date after pilot.start']);
    expect(problems({ ...base(), timezone: 'Asia/Hanoi' })).toEqual(['$.timezone: an IANA timezone such as Asia/Ho_Chi_Minh']);
  });

  it('refuses a threshold rule with both source and sensorKind, and a local time that is not HH:mm', () => {
    const c = base();
    c.rules[2].source = 'aq-dn-001';
    c.rules[0].window.from = '22h';
    expect(problems(c).sort()).toEqual(['$.rules[0].window.from: a local time "HH:mm" (24-hour)', '$.rules[2]: exactly one of "source" or "sensorKind"']);
  });

  it('refuses devices of a module that is off', () => {
    expect(problems({ ...base(), modules: ['sensors'] })).toEqual(['$.cameras: no cameras unless the "crowd" module is on']);
  });

  it('refuses an unreadable file, a file that is not JSON, and a file named after another province', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provinces-'));
    expect(() => loadProvinceConfig(join(dir, 'hue.json'))).toThrow(/expected a readable file \(ENOENT\)/);
    writeFileSync(join(dir, 'hue.json'), '{ "code": "hue", ');
    expect(() => loadProvinceConfig(join(dir, 'hue.json'))).toThrow(/\$: expected valid JSON/);
    writeFileSync(join(dir, 'hue.json'), readFileSync('provinces/da-nang.json'));
    expect(() => loadProvinceConfig(join(dir, 'hue.json'))).toThrow(/\$\.code: expected "hue" \(the file name\), got "da-nang"/);
  });

  it('keeps provinces/province.schema.json equal to the JSON Schema generated from the zod schema (npm run schema)', () => {
    expect(readFileSync('provinces/province.schema.json', 'utf8')).toBe(provinceConfigJsonSchema());
    const schema = JSON.parse(provinceConfigJsonSchema());
    expect(schema.required).toEqual(expect.arrayContaining(['code', 'name', 'modules', 'zones', 'pilot', 'budget']));
    expect(schema.additionalProperties).toBe(false);
  });
});
