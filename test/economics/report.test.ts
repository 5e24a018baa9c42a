// The evaluation report rendered from fixture KPIs: languages, side by side, charts, number formats, escaping.
import { describe, expect, it } from 'vitest';
import { isoWeekOf, weeksOf } from '../../lib/economics/kpis.ts';
import { MESSAGES, formats } from '../../lib/economics/report-i18n.ts';
import { renderReport } from '../../lib/economics/report.ts';
import { daNang, hue, PERIOD } from './kpi-fixtures.ts';

const labels = {
  'da-nang': {
    rules: { 'crowd-bach-dang-night': { vi: 'Tụ tập đông người ban đêm tại Bạch Đằng', en: 'Night-time crowd on Bach Dang' } },
    zones: { 'dn-bach-dang': { vi: 'Đường Bạch Đằng', en: 'Bach Dang riverside' } },
  },
};
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
/** The SVG charts of one section, in order. */
const chartsOf = (html: string, section: string) => {
  const body = html.split(`<section id="${section}">`)[1]!.split('</section>')[0]!;
  return [...body.matchAll(/<svg[^>]*>.*?<\/svg>/gs)].map((m) => m[0]);
};

describe('renderReport', () => {
  const vi = renderReport([daNang], { lang: 'vi', ...PERIOD, labels, generatedAt: '2027-01-02T03:04:00Z', vndPerUsd: 26_300 });

  it('is a self-contained Vietnamese page: title, period dd/MM/yyyy, no external resource', () => {
    expect(vi.html).toMatch(/^<!doctype html>\n<html lang="vi">/);
    expect(vi.html).toContain('<h1>Báo cáo đánh giá thí điểm đô thị thông minh</h1>');
    expect(vi.html).toContain('Kỳ đánh giá: 01/12/2026 – 31/12/2026');
    expect(vi.html).toContain('Lập lúc: 02/01/2027 10:04');
    expect(vi.html).toContain('<style>');
    expect(vi.html).not.toMatch(/<script|<link|src=|href="http|@import|url\(/);
  });

  it('draws the charts as inline SVG with one bar per week, camera, response figure, Rekognition figure and spend figure', () => {
    // December 2026 by UTC day (30 Nov – 31 Dec) touches ISO weeks 49 to 53
    expect(weeksOf(PERIOD.from, PERIOD.to)).toEqual(['2026-W49', '2026-W50', '2026-W51', '2026-W52', '2026-W53']);
    const [weeks] = chartsOf(vi.html, 'incidents');
    expect(count(weeks!, /<rect class="bar/g)).toBe(5);
    expect(weeks).toContain('<title>Tuần 2026-W51: 0</title>');
    expect(count(chartsOf(vi.html, 'response')[0]!, /<rect class="bar/g)).toBe(4);
    const uptime = chartsOf(vi.html, 'cameras')[0]!;
    expect(count(uptime, /<rect class="bar/g)).toBe(2);
    expect(count(uptime, /<rect class="bar warn"/g)).toBe(1); // cam-dn-002 at 82 %
    expect(count(chartsOf(vi.html, 'rekognition')[0]!, /<rect class="bar/g)).toBe(5);
    expect(count(chartsOf(vi.html, 'spend')[0]!, /<rect class="bar/g)).toBe(2);
  });

  it('writes Vietnamese numbers with a decimal comma and dot thousands', () => {
    expect(vi.html).toContain('<strong>25%</strong>'); // false-alarm rate
    expect(vi.html).toContain('4,5 phút'); // p50 to acknowledge, 270 s
    expect(vi.html).toContain('2,1 giờ'); // p90 to resolve, 7,560 s
    expect(vi.html).toContain('99,3%'); // cam-dn-001
    expect(vi.html).toContain('21.500'); // Rekognition calls
    expect(vi.html).toContain('21,50 USD / 310,00 USD (6,9% đã dùng)');
    expect(vi.html).toContain('565.450 ₫'); // 21.5 × 26,300
    expect(vi.markdown).toContain('| Tỷ lệ báo động giả | 25% |');
  });

  it('names rules and zones from the config, and statuses in the glossary terms', () => {
    expect(vi.html).toContain('<td>Tụ tập đông người ban đêm tại Bạch Đằng</td><td class="n">7</td>');
    expect(vi.html).toContain('<td>Đường Bạch Đằng</td>');
    expect(vi.html).toContain('<td>pm25-unhealthy</td>'); // no label given: the id
    expect(vi.html).toContain('<td>báo động giả</td><td class="n">3</td>');
    expect(vi.html).toContain('<td>đã tiếp nhận</td>');
  });

  it('in English: English strings, decimal point, dates as "1 Dec 2026"', () => {
    const en = renderReport([daNang], { lang: 'en', ...PERIOD, labels });
    expect(en.html).toMatch(/<html lang="en">/);
    expect(en.html).toContain('<h1>Smart-city pilot evaluation report</h1>');
    expect(en.html).toContain('Evaluation period: 1 Dec 2026 – 31 Dec 2026');
    expect(en.html).toContain('99.3%');
    expect(en.html).toContain('4.5 min');
    expect(en.html).toContain('$21.50 / $310.00 (6.9% used)');
    expect(en.html).toContain('<td>Night-time crowd on Bach Dang</td>');
    expect(en.html).toContain('<td>dismissed (false alarm)</td>');
    expect(en.html).not.toMatch(/Báo cáo|Sự cố/);
    expect(en.markdown).toMatch(/^# Smart-city pilot evaluation report\n/);
  });

  it('puts several provinces side by side: one column each in every section, one chart each', () => {
    const both = renderReport([daNang, hue], { lang: 'vi', ...PERIOD });
    expect(count(both.html, /<div class="cols" style="--n:2">/g)).toBe(count(both.html, /<div class="cols"/g));
    expect(count(both.html, /<div class="col">/g)).toBe(2 * count(both.html, /<div class="cols"/g));
    expect(chartsOf(both.html, 'incidents')).toHaveLength(2);
    expect(count(chartsOf(both.html, 'incidents')[1]!, /<rect class="bar/g)).toBe(5); // empty weeks still drawn
    expect(both.html).toContain('Không có camera trong kỳ.');
    expect(both.html).toContain('không có dữ liệu / không có dữ liệu'); // no acknowledgement times
    expect(both.markdown).toMatch(/\| Chỉ số \| Thành phố Đà Nẵng \| Thành phố \\<Huế\\> & "Cố đô" \|\n\|---\|---:\|---:\|/);
  });

  it('escapes names in text, attributes and SVG', () => {
    const both = renderReport([daNang, hue], { lang: 'vi', ...PERIOD });
    expect(both.html).not.toContain('<Huế>');
    expect(both.html).toContain('Thành phố &lt;Huế&gt; &amp; &quot;Cố đô&quot;');
    expect(both.html).toMatch(/aria-label="Sự cố theo tuần — Thành phố &lt;Huế&gt; &amp; &quot;Cố đô&quot;"/);
    const hostile = renderReport([{ ...daNang, cameras: [{ id: '<img src=x onerror=alert(1)>', framesReceived: 1, framesExpected: 2, uptime: 0.5 }] }], { lang: 'en', ...PERIOD });
    expect(hostile.html).not.toContain('<img');
    expect(hostile.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows a period that is not whole days with its times, and where each province was read', () => {
    const night = renderReport([daNang, hue], {
      lang: 'vi',
      from: '2026-11-25T14:30:00.000Z',
      to: '2026-11-25T22:30:00.000Z',
      sources: { 'da-nang': { kind: 'api', url: 'https://abc.execute-api.ap-southeast-1.amazonaws.com/' }, hue: { kind: 'local', speed: 60 } },
    });
    expect(night.html).toContain('Kỳ đánh giá: 25/11/2026 21:30 – 26/11/2026 05:30');
    expect(night.html).toContain('<li>Thành phố Đà Nẵng: API đã triển khai: https://abc.execute-api.ap-southeast-1.amazonaws.com/</li>');
    expect(night.markdown).toContain('Nguồn số liệu: tỉnh mô phỏng cục bộ (npm run report --local, 60×)');
  });

  it('lists the lowest sensors and summarises the rest', () => {
    const many = { ...daNang, sensors: Array.from({ length: 40 }, (_, i) => ({ id: `s-${i}`, readings: i, expected: 40, completeness: i / 40 })) };
    const r = renderReport([many], { lang: 'en', ...PERIOD });
    const sensors = r.html.split('<section id="sensors">')[1]!.split('</section>')[0]!;
    expect(count(sensors, /<tr><td>s-/g)).toBe(10);
    expect(sensors).toContain('<td>s-0</td>');
    expect(sensors).toContain('36/40 below 90%');
  });
});

describe('catalogue and formats', () => {
  it('has every message in both languages', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.vi).sort());
    for (const [k, v] of Object.entries(MESSAGES.en)) expect(v, k).not.toBe('');
  });

  it('formats durations, percentages and weeks', () => {
    const v = formats('vi');
    expect(v.duration(45)).toBe('45 giây');
    expect(v.duration(null)).toBe('không có dữ liệu');
    expect(v.pct(0.9857)).toBe('98,6%');
    expect(v.num(1234567.891, 2)).toBe('1.234.567,89');
    expect(formats('en').num(1234567.891, 2)).toBe('1,234,567.89');
    expect(isoWeekOf('2026-11-25')).toBe('2026-W48');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
  });
});
