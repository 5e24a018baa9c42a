// The console's pure parts: config.json checks, rule form ↔ rule JSON, API problem paths → fields, board order,
// who changed an incident, roles from tokens.
import { describe, expect, it } from 'vitest';
import { decodeJwt, roleOf, sessionFrom, atLeast } from '../../console/src/auth.ts';
import { ConfigError, parseConfig } from '../../console/src/config.ts';
import { byUrgency, changedByPerson } from '../../console/src/incident-logic.ts';
import { draftOf, fieldOfPath, fieldsOf, ruleOf } from '../../console/src/rule-form.ts';
import type { Incident, Rule } from '../../console/src/types.ts';

const config = {
  apiUrl: 'https://api.example',
  region: 'ap-southeast-1',
  userPoolId: 'ap-southeast-1_x',
  userPoolClientId: 'client',
  province: { code: 'da-nang', name: 'Thành phố Đà Nẵng', timezone: 'Asia/Ho_Chi_Minh' },
};

describe('parseConfig', () => {
  it('accepts a deployed and a local config', () => {
    expect(parseConfig({ ...config, cognitoDomain: 'https://ioc.auth.ap-southeast-1.amazoncognito.com/' }).cognitoDomain).toBe('https://ioc.auth.ap-southeast-1.amazoncognito.com');
    expect(parseConfig({ ...config, apiUrl: '', local: { tokens: { operator: 'a.b.c' } } }).local?.tokens?.operator).toBe('a.b.c');
  });

  it.each([
    [{ ...config, province: undefined }, '$.province'],
    [{ ...config, province: { ...config.province, timezone: 'Mars/Olympus' } }, '$.province.timezone'],
    [{ ...config, userPoolClientId: 3 }, '$.userPoolClientId'],
    [{ ...config, cognitoDomain: 'http://insecure.example' }, '$.cognitoDomain'],
    [{ ...config, local: { tokens: { admin: '' } } }, '$.local.tokens.admin'],
  ])('names the bad field %#', (raw, path) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    try {
      parseConfig(raw);
    } catch (e) {
      expect((e as ConfigError).path).toBe(path);
    }
  });
});

const crowd: Rule = {
  id: 'crowd-x',
  kind: 'crowd',
  title: { vi: 'Tụ tập', en: 'Crowd' },
  severity: 'high',
  enabled: true,
  cooldownMinutes: 30,
  ackWithinMinutes: 10,
  autoResolveAfterMinutes: 20,
  zone: 'z-1',
  minPeople: 15,
  window: { from: '22:00', to: '05:00' },
  sustain: { observations: 3 },
};

describe('rule form', () => {
  it('round-trips a rule through the form', () => {
    expect(ruleOf(draftOf(crowd))).toEqual({ ...crowd, sustain: { observations: 3, minutes: undefined } });
  });

  it('sends what was typed for the API to judge: empty is left out, text stays text', () => {
    const d = { ...draftOf(crowd), minPeople: '', windowFrom: '', windowTo: '', cooldownMinutes: 'abc' };
    const r = ruleOf(d);
    expect(r.minPeople).toBeUndefined();
    expect(r.window).toBeUndefined();
    expect(r.cooldownMinutes).toBe('abc');
  });

  it('puts each API problem next to its field, the rest with the form', () => {
    const fields = new Set<string>(fieldsOf('crowd'));
    expect(fieldOfPath('$.rule.minPeople', fields)).toBe('minPeople');
    expect(fieldOfPath('$.rule.title.vi', fields)).toBe('titleVi');
    expect(fieldOfPath('$.rule.window.from', fields)).toBe('windowFrom');
    expect(fieldOfPath('$.rule.sustain', fields)).toBe('sustainObservations');
    expect(fieldOfPath('$.rule', fields)).toBeUndefined();
    expect(fieldOfPath('$.expectedVersion', fields)).toBeUndefined();
    expect(fieldOfPath('$.rule.value', fields)).toBeUndefined(); // not a crowd rule field
    expect(fieldOfPath('$.rule.value', new Set(fieldsOf('threshold')))).toBe('value');
  });
});

const incident = (id: string, severity: string, openedAt: string, extra: Partial<Incident> = {}) => ({ id, severity, openedAt, status: 'open', notes: [], ...extra }) as unknown as Incident;

describe('board', () => {
  it('shows the most severe first, then the newest', () => {
    const list = [
      incident('a', 'medium', '2026-11-25T15:00:00Z'),
      incident('b', 'critical', '2026-11-25T14:00:00Z'),
      incident('c', 'medium', '2026-11-25T16:00:00Z'),
      incident('d', 'low', '2026-11-25T17:00:00Z'),
    ];
    expect(list.sort(byUrgency).map((i) => i.id)).toEqual(['b', 'c', 'a', 'd']);
  });

  it('tells a person’s change (status, notes) from the platform’s (count, version, escalation)', () => {
    const seen = incident('a', 'high', '2026-11-25T15:00:00Z');
    expect(changedByPerson(seen, { ...seen, severity: 'critical', version: 9, observationCount: 40 } as Incident)).toBe(false);
    expect(changedByPerson(seen, { ...seen, status: 'acknowledged' } as Incident)).toBe(true);
    expect(changedByPerson(seen, { ...seen, notes: [{ at: 'x', by: 'lan', text: 'đã xem' }] } as Incident)).toBe(true);
  });
});

describe('roles from the token', () => {
  const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

  it('reads cognito:groups and the strongest role', () => {
    const s = sessionFrom('local', jwt({ 'cognito:groups': ['operator', 'supervisor'], username: 'lan', exp: 2_000_000_000 }));
    expect(s).toMatchObject({ username: 'lan', role: 'supervisor', expiresAt: 2_000_000_000 });
    expect(atLeast(s.role, 'operator')).toBe(true);
    expect(atLeast(s.role, 'admin')).toBe(false);
    expect(roleOf(['viewer'])).toBeUndefined();
    expect(decodeJwt(jwt({ name: 'Nguyễn Thị Lan' })).name).toBe('Nguyễn Thị Lan');
  });
});
