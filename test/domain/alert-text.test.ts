// Alert text and message catalogues: bilingual body, short subject, decimal comma, unaccented single-segment SMS.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ruleSchema, type Rule } from '../../lib/config/schema.ts';
import { SMS_MAX, SUBJECT_MAX, alertText, stripDiacritics, toSmsText, utcOffset } from '../../lambdas/shared/domain/alert-text.ts';
import { CATALOGUES, LANGUAGE_SEPARATOR, fill, formatMeasured, formatNumber, severityLabel, statusLabel } from '../../lambdas/shared/domain/i18n.ts';
import { escalate, openIncident, type Incident } from '../../lambdas/shared/domain/incident.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const BASE = 'https://ioc.danang.example.vn/';

const crowdRule = ruleSchema.parse({
  id: 'crowd-bach-dang-night',
  kind: 'crowd',
  title: { vi: 'Tụ tập đông người ban đêm tại Bạch Đằng', en: 'Night-time crowd on Bach Dang' },
  zone: 'dn-bach-dang',
  minPeople: 15,
  severity: 'high',
}) as Rule;
const floodRule = ruleSchema.parse({
  id: 'flood-alarm-3',
  kind: 'threshold',
  title: { vi: 'Mực nước vượt báo động III', en: 'Water level above alarm level III' },
  sensorKind: 'water_level',
  op: '>=',
  value: 3,
  severity: 'critical',
}) as Rule;

const crowdIncident = (value = 40): Incident =>
  openIncident({
    id: 'inc-0123456789abc',
    rule: crowdRule,
    subject: 'dn-bach-dang',
    zone: 'dn-bach-dang',
    measure: 'people_count',
    value,
    at: '2026-11-25T15:30:00Z',
  }).incident;
const floodIncident = (value = 3.5): Incident =>
  openIncident({ id: 'inc-flood', rule: floodRule, subject: 'wl-hue-001', zone: 'hue-song-huong', measure: 'water_level', value, at: '2026-11-25T15:30:00Z' })
    .incident;
const bachDang = { vi: 'Đường Bạch Đằng', en: 'Bach Dang riverside' };

describe('alertText for an opened incident', () => {
  const text = alertText({ event: 'opened', incident: crowdIncident(), zoneName: bachDang, timezone: TZ, baseUrl: BASE });

  it('has a short Vietnamese subject led by the severity', () => {
    // Assert
    expect(text.subject).toBe('[Cao] Tụ tập đông người ban đêm tại Bạch Đằng – Đường Bạch Đằng');
    expect(text.subject.length).toBeLessThan(100);
  });

  it('says what, where, when (local time with offset), how severe, the value, the id and the link — in Vietnamese', () => {
    // Prepare
    const vi = text.body.split(LANGUAGE_SEPARATOR)[0]!;
    // Assert
    expect(vi).toContain('Sự cố: Tụ tập đông người ban đêm tại Bạch Đằng');
    expect(vi).toContain('Khu vực: Đường Bạch Đằng');
    expect(vi).toContain('25/11/2026 22:30 (UTC+7)');
    expect(vi).toContain('Mức độ: Cao');
    expect(vi).toContain('40 người');
    expect(vi).toContain('Mã sự cố: inc-0123456789abc');
    expect(vi).toContain('https://ioc.danang.example.vn/incidents/inc-0123456789abc');
    expect(vi).not.toContain('Thiết bị'); // crowd incidents have a zone, not a device
  });

  it('repeats it in English below the Vietnamese', () => {
    // Prepare
    const [vi, en] = text.body.split(LANGUAGE_SEPARATOR) as [string, string];
    // Assert
    expect(text.body.indexOf('Sự cố:')).toBeLessThan(text.body.indexOf('Incident:'));
    expect(vi).not.toContain('Severity');
    expect(en).toContain('Incident: Night-time crowd on Bach Dang');
    expect(en).toContain('Zone: Bach Dang riverside');
    expect(en).toContain('Detected at: 25/11/2026 22:30 (UTC+7)');
    expect(en).toContain('Severity: High');
    expect(en).toContain('Observed value: 40 people');
    expect(en).toContain('https://ioc.danang.example.vn/incidents/inc-0123456789abc');
  });

  it('is NFC even when the title and zone name were typed decomposed (NFD)', () => {
    // Prepare
    const nfdRule = { ...crowdRule, title: { vi: crowdRule.title.vi.normalize('NFD'), en: crowdRule.title.en } };
    const incident = openIncident({ id: 'inc-nfd', rule: nfdRule, subject: 'dn-bach-dang', measure: 'people_count', value: 20, at: '2026-11-25T15:30:00Z' }).incident;
    // Act
    const t = alertText({ event: 'opened', incident, zoneName: { vi: bachDang.vi.normalize('NFD') }, timezone: TZ, baseUrl: BASE });
    // Assert
    expect(t.body).toBe(t.body.normalize('NFC'));
    expect(t.subject).toBe(t.subject.normalize('NFC'));
    expect(t.body).toContain('Khu vực: Đường Bạch Đằng');
  });

  it('gives an unaccented, single-segment SMS with the essentials', () => {
    // Assert
    expect(text.sms).toBe('Canh bao Cao: Tu tap dong nguoi ban dem tai Bach Dang. Duong Bach Dang, 25/11/2026 22:30, 40 nguoi. https://ioc.danang.example.vn/incidents/inc-0123456789abc');
    expect(text.sms.length).toBeLessThanOrEqual(SMS_MAX);
    expect(text.sms).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('alertText for a sensor incident', () => {
  it('uses the decimal comma in Vietnamese and the point in English, with the unit, and names the device', () => {
    // Act
    const t = alertText({ event: 'opened', incident: floodIncident(3.5), zoneName: { vi: 'Bờ sông Hương', en: 'Perfume River bank' }, timezone: TZ, baseUrl: BASE });
    // Assert
    expect(t.body).toContain('Giá trị ghi nhận: 3,5 m');
    expect(t.body).toContain('Observed value: 3.5 m');
    expect(t.body).toContain('Thiết bị: wl-hue-001');
    expect(t.body).toContain('Device: wl-hue-001');
    expect(t.subject).toBe('[Nghiêm trọng] Mực nước vượt báo động III – Bờ sông Hương');
    expect(t.sms).toContain('3,5 m');
  });

  it('writes µg/m³ in the body and ug/m3 in the SMS', () => {
    // Prepare
    const rule = ruleSchema.parse({ id: 'pm25', kind: 'threshold', title: { vi: 'Bụi mịn PM2.5 vượt ngưỡng', en: 'PM2.5 high' }, sensorKind: 'pm25', op: '>', value: 150 }) as Rule;
    const incident = openIncident({ id: 'inc-pm', rule, subject: 'aq-dn-001', zone: 'dn-bach-dang', measure: 'pm25', value: 152.25, at: '2026-11-25T01:00:00Z' }).incident;
    // Act
    const t = alertText({ event: 'opened', incident, zoneName: bachDang, timezone: TZ, baseUrl: BASE });
    // Assert
    expect(t.body).toContain('152,25 µg/m³');
    expect(t.body).toContain('152.25 µg/m³');
    expect(t.body).toContain('25/11/2026 08:00 (UTC+7)');
    expect(t.sms).toContain('152,25 ug/m3');
  });

  it('falls back to the zone id, then the Vietnamese name, when names are missing', () => {
    // Act
    const noNames = alertText({ event: 'opened', incident: floodIncident(), timezone: TZ, baseUrl: BASE });
    const viOnly = alertText({ event: 'opened', incident: floodIncident(), zoneName: { vi: 'Bờ sông Hương' }, timezone: TZ, baseUrl: BASE });
    // Assert
    expect(noNames.body).toContain('Khu vực: hue-song-huong');
    expect(viOnly.body).toContain('Zone: Bờ sông Hương');
  });
});

describe('alertText for an escalation', () => {
  it('names the escalation, the new severity and when it happened', () => {
    // Prepare
    const escalated = escalate(crowdIncident(), '2026-11-25T15:45:00Z').incident;
    // Act
    const t = alertText({ event: 'escalated', incident: escalated, zoneName: bachDang, timezone: TZ, baseUrl: BASE });
    // Assert
    expect(t.subject.startsWith('[Nghiêm trọng] Leo thang lần 1: Tụ tập đông người')).toBe(true);
    expect(t.body).toContain('CẢNH BÁO LEO THANG (lần 1)');
    expect(t.body).toContain('Leo thang lúc: 25/11/2026 22:45 (UTC+7)');
    expect(t.body).toContain('Mức độ: Nghiêm trọng');
    expect(t.body).toContain('ESCALATION (1)');
    expect(t.body).toContain('Severity: Critical');
    expect(t.sms.startsWith('Leo thang lan 1, Nghiem trong:')).toBe(true);
  });
});

describe('length limits', () => {
  it('shortens a very long title and zone name but keeps the severity and the whole link', () => {
    // Prepare
    const long = { ...crowdRule, title: { vi: 'Tụ tập đông người '.repeat(12).trim(), en: 'Crowd '.repeat(30).trim() } };
    const incident = openIncident({ id: 'inc-long', rule: long, subject: 'dn-bach-dang', measure: 'people_count', value: 1234, at: '2026-11-25T15:30:00Z' }).incident;
    // Act
    const t = alertText({ event: 'opened', incident, zoneName: { vi: 'Khu vực rất dài '.repeat(10) }, timezone: TZ, baseUrl: BASE });
    // Assert
    expect(t.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(t.subject.startsWith('[Cao] Tụ tập đông người')).toBe(true);
    expect(t.subject).toContain('…');
    expect(t.sms.length).toBeLessThanOrEqual(SMS_MAX);
    expect(t.sms.endsWith('https://ioc.danang.example.vn/incidents/inc-long')).toBe(true);
    expect(t.sms).toContain('1.234 nguoi');
  });

  it('property: for any title and zone name, the subject fits, and the SMS fits, has no diacritics and only GSM-safe ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (title, zone, value) => {
        // Prepare
        const rule = { ...crowdRule, title: { vi: title, en: title } };
        const incident = openIncident({ id: 'inc-prop', rule, subject: 'dn-bach-dang', measure: 'people_count', value, at: '2026-11-25T15:30:00Z' }).incident;
        // Act
        const t = alertText({ event: 'opened', incident, zoneName: { vi: zone }, timezone: TZ, baseUrl: BASE });
        // Assert
        expect(t.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
        expect(t.subject).not.toMatch(/[\r\n]/);
        expect(t.sms.length).toBeLessThanOrEqual(SMS_MAX);
        expect(t.sms).toMatch(/^[\x20-\x7e]*$/);
        expect(t.sms).not.toMatch(/[[\]{}~^|\\`]/);
        expect(stripDiacritics(t.sms)).toBe(t.sms);
      }),
    );
  });
});

describe('diacritics and offsets', () => {
  it('strips Vietnamese diacritics, đ and Đ included', () => {
    // Act
    const plain = stripDiacritics('Thành phố Đà Nẵng: Tụ tập đông người, mực nước, bụi mịn');
    // Assert
    expect(plain).toBe('Thanh pho Da Nang: Tu tap dong nguoi, muc nuoc, bui min');
  });

  it('maps symbols outside GSM-7 to plain stand-ins', () => {
    // Act
    const sms = toSmsText('PM2.5 – 35 µg/m³ [trạm {1}] 30°C\n…');
    // Assert
    expect(sms).toBe('PM2.5 - 35 ug/m3 (tram (1)) 30C ...');
  });

  it.each([
    ['Asia/Ho_Chi_Minh', '2026-11-25T15:30:00Z', '+7'],
    ['Asia/Kolkata', '2026-11-25T15:30:00Z', '+5:30'],
    ['UTC', '2026-11-25T15:30:00Z', '+0'],
    ['America/New_York', '2026-11-25T15:30:00Z', '-5'],
    ['America/New_York', '2026-07-01T15:30:00Z', '-4'],
  ])('UTC offset of %s at %s is %s', (tz, instant, expected) => {
    // Act
    const offset = utcOffset(instant, tz);
    // Assert
    expect(offset).toBe(expected);
  });
});

describe('i18n catalogues', () => {
  const keys = (o: object, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

  it('vi and en have the same message keys (units may differ only in plural forms)', () => {
    // Act
    const vi = keys(CATALOGUES.vi).filter((k) => !k.endsWith('.one'));
    const en = keys(CATALOGUES.en).filter((k) => !k.endsWith('.one'));
    // Assert
    expect(vi.sort()).toEqual(en.sort());
  });

  it('Vietnamese strings are NFC and use the glossary terms', () => {
    // Prepare
    const strings = keys(CATALOGUES.vi).map((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], CATALOGUES.vi) as string);
    // Assert
    expect(strings.every((s) => s === s.normalize('NFC'))).toBe(true);
    expect((['low', 'medium', 'high', 'critical'] as const).map((s) => severityLabel(s, 'vi'))).toEqual(['thấp', 'trung bình', 'cao', 'nghiêm trọng']);
    expect((['open', 'acknowledged', 'resolved', 'dismissed'] as const).map((s) => statusLabel(s, 'vi'))).toEqual([
      'mới',
      'đã tiếp nhận',
      'đã xử lý',
      'báo động giả',
    ]);
    expect(CATALOGUES.vi.escalated).toBe('đã leo thang');
  });

  it.each([
    [3.5, '3,5', '3.5'],
    [1234, '1.234', '1,234'],
    [1234567.891, '1.234.567,89', '1,234,567.89'],
    [0.1 + 0.2, '0,3', '0.3'],
    [2.1, '2,1', '2.1'],
    [-0.5, '-0,5', '-0.5'],
    [-0.001, '0', '0'],
    [0, '0', '0'],
  ])('formats %s as %s (vi) and %s (en)', (value, vi, en) => {
    // Act
    const out = [formatNumber(value, 'vi'), formatNumber(value, 'en')];
    // Assert
    expect(out).toEqual([vi, en]);
  });

  it('picks units by measure, with English singulars and a sensor unit override', () => {
    // Act
    const out = [
      formatMeasured(1, { measure: 'people_count' }, 'en'),
      formatMeasured(1, { measure: 'people_count' }, 'vi'),
      formatMeasured(45, { measure: 'silence_minutes' }, 'vi'),
      formatMeasured(12, { measure: 'water_level', unit: 'cm' }, 'vi'),
      formatMeasured(7, { measure: 'unknown_kind' }, 'vi'),
    ];
    // Assert
    expect(out).toEqual(['1 person', '1 người', '45 phút', '12 cm', '7']);
  });

  it('fill refuses a placeholder without a value', () => {
    // Act
    const act = () => fill('Sự cố: {title}', {});
    // Assert
    expect(act).toThrow(/\{title\}/);
  });
});
