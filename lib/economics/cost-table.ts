// Renders a cost estimate and its what-if knobs as plain-text tables for the terminal (npm run cost).
import type { CostEstimate, KnobRow, LineItem } from './estimate.ts';

const en = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A quantity for a table cell: exact below 10,000, then k / M. */
export function quantityCell(q: number): string {
  if (q === 0) return '0';
  if (q < 1) return q.toFixed(3);
  if (q < 10_000) return en(q, Number.isInteger(q) ? 0 : 1);
  if (q < 1e6) return `${en(q / 1e3, 1)}k`;
  return `${en(q / 1e6, 2)}M`;
}

/** A unit price for a table cell: tiny prices per million units. */
export function unitPriceCell(l: Pick<LineItem, 'unitPrice' | 'unit'>): string {
  const p = l.unitPrice;
  if (p === 0) return '$0';
  if (p >= 0.01) return `$${p < 1 && Number(p.toFixed(2)) === p ? p.toFixed(2) : trim(p.toFixed(4))}/${l.unit}`;
  if (p >= 0.0001) return `$${trim(p.toFixed(6))}/${l.unit}`;
  return `$${trim((p * 1e6).toFixed(4))}/1M ${l.unit}`;
}
const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The readable estimate: line items (USD and VND), totals, budget, the knobs table and the warnings. */
export function renderCostText(e: CostEstimate, knobs: readonly KnobRow[] = []): string {
  const out: string[] = [];
  out.push(`Chi phí ước tính hằng tháng / Estimated monthly cost — ${e.province.name} (${e.province.code}), region ${e.province.region}`);
  out.push(
    `Prices: list prices for ${e.pricing.regionsUsed.join(', ')} as of ${e.pricing.asOf} (pricing/aws-prices.json); ${e.month.days}-day month, ${e.month.hours} h; ` +
      `free tiers ${e.options.freeTier ? 'applied' : 'not applied (--free-tier)'}; VND at ${en(e.vndPerUsd)} per USD (assumed rate)`,
  );
  if (e.volumes.framesUploaded > 0) {
    out.push(
      `Cameras: ${quantityCell(e.volumes.framesUploaded)} frames → ${quantityCell(e.volumes.imagesAnalysed)} DetectLabels images (${quantityCell(e.volumes.imagesPerDay)}/day); ` +
        `saved: ${quantityCell(e.volumes.framesSkippedInactiveHours)} outside active hours, ${quantityCell(e.volumes.framesSkippedAdaptive)} by adaptive sampling, ` +
        `${quantityCell(e.volumes.framesCarried)} carried by change gating${e.volumes.framesCapped > 0 ? `, ${quantityCell(e.volumes.framesCapped)} refused by the cap` : ''}`,
    );
    out.push(
      `Guard savings: adaptive sampling ${pct(e.options.savings.adaptiveSampling)}, change gating ${pct(e.options.savings.changeGating)} — ${e.options.savingsSource}`,
    );
  }
  if (e.volumes.sensorReadings > 0) {
    out.push(
      `Sensors: ${quantityCell(e.volumes.sensorReadings)} readings (${e.options.sensorReadingsPerMinute}/min each), ` +
        (e.options.sensorPath === 'api' ? `${e.options.sensorReadingsPerRequest} per POST /events` : 'put on the stream by a trusted system'),
    );
  }
  out.push('');
  out.push(
    table(
      ['service', 'item', 'quantity', 'unit price', 'USD', 'VND'],
      e.lines.map((l) => [
        l.service,
        `${l.item}${l.assumption ? ' (assumed)' : ''}${l.fallback ? ' *' : ''}`,
        quantityCell(l.quantity),
        unitPriceCell(l),
        en(l.usd, 2),
        en(Math.round(l.usd * e.vndPerUsd)),
      ]),
      [false, false, true, true, true, true],
    ),
  );
  out.push('');
  out.push(`Total: $${en(e.totalUsd, 2)} a month ≈ ${en(e.totalVnd)} VND`);
  out.push(
    `Budget: $${en(e.budget.monthlyUsd, 2)} a month — ${pct(e.budget.share)} ${e.budget.over ? 'USED: OVER BUDGET' : 'used'}`,
  );
  out.push(`By service: ${e.byService.filter((s) => s.usd >= 0.005).map((s) => `${s.service} ${en(s.usd, 2)}`).join(' · ')}`);
  if (e.lines.some((l) => l.fallback)) out.push(`* priced at the us-east-1 list price: the pricing file has no ${e.province.region} line yet`);

  if (knobs.length > 0) {
    out.push('');
    out.push('What each knob is worth (monthly total with that one change; ● = now)');
    out.push(
      table(
        ['knob', 'option', 'set in', 'total USD', 'vs now', 'images/month', 'capped/month'],
        knobs.map((k) => [
          k.knob,
          `${k.current ? '● ' : '  '}${k.option}`,
          k.where,
          en(k.totalUsd, 2),
          k.current ? '' : `${k.deltaUsd >= 0 ? '+' : '−'}${en(Math.abs(k.deltaUsd), 2)}`,
          quantityCell(k.imagesPerMonth),
          k.framesCappedPerMonth > 0 ? quantityCell(k.framesCappedPerMonth) : '',
        ]),
        [false, false, false, true, true, true, true],
      ),
    );
  }
  if (e.warnings.length > 0) {
    out.push('');
    out.push('Warnings:');
    for (const w of e.warnings) out.push(`  ! ${w}`);
  }
  return out.join('\n');
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
