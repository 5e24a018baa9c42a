// Inline SVG bar charts for the evaluation report: no library, no script, text escaped, one <rect class="bar"> per bar.

/** One bar: `value` sets its length, `display` is the text shown next to it, `title` the tooltip. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly display: string;
  readonly title?: string;
  /** Extra CSS class (`saved`, `warn`, `budget`, `muted`). */
  readonly cls?: string;
}

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** Vertical bars (one per category, e.g. ISO weeks), labelled below; every k-th label when there are many. */
export function columnChart(bars: readonly Bar[], o: { readonly ariaLabel: string; readonly width?: number; readonly height?: number; readonly max?: number }): string {
  const width = o.width ?? 640;
  const height = o.height ?? 220;
  const top = 18;
  const bottom = 28;
  const left = 8;
  const plotH = height - top - bottom;
  const plotW = width - 2 * left;
  const max = Math.max(o.max ?? 0, ...bars.map((b) => b.value), 1);
  const slot = bars.length > 0 ? plotW / bars.length : plotW;
  const every = Math.max(1, Math.ceil(bars.length / 13));
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}"/>`);
  bars.forEach((b, i) => {
    const h = (Math.max(0, b.value) / max) * plotH;
    const x = left + i * slot + slot * 0.1;
    const y = top + plotH - h;
    parts.push(
      `<rect class="bar${b.cls ? ` ${b.cls}` : ''}" x="${r1(x)}" y="${r1(y)}" width="${r1(slot * 0.8)}" height="${r1(h)}"><title>${escapeXml(b.title ?? `${b.label}: ${b.display}`)}</title></rect>`,
    );
    if (b.value > 0 && slot >= 18) parts.push(`<text class="value" x="${r1(x + slot * 0.4)}" y="${r1(y - 4)}" text-anchor="middle">${escapeXml(b.display)}</text>`);
    if (i % every === 0) parts.push(`<text class="label" x="${r1(x + slot * 0.4)}" y="${height - 10}" text-anchor="middle">${escapeXml(b.label)}</text>`);
  });
  return svg(width, height, o.ariaLabel, parts);
}

/** Horizontal bars, one row each: label on the left, bar, value on the right. `max` fixes the scale (1 for shares). */
export function barChart(
  bars: readonly Bar[],
  o: { readonly ariaLabel: string; readonly width?: number; readonly max?: number; readonly labelWidth?: number; readonly rowHeight?: number },
): string {
  const width = o.width ?? 640;
  const row = o.rowHeight ?? 22;
  const labelW = o.labelWidth ?? 170;
  const valueW = 90;
  const plotW = width - labelW - valueW - 8;
  const height = Math.max(1, bars.length) * row + 8;
  const max = Math.max(o.max ?? 0, ...bars.map((b) => b.value), 1e-9);
  const parts: string[] = [];
  bars.forEach((b, i) => {
    const y = 4 + i * row;
    const w = (Math.max(0, b.value) / max) * plotW;
    parts.push(`<text class="label" x="${labelW - 6}" y="${y + row * 0.68}" text-anchor="end">${escapeXml(b.label)}</text>`);
    parts.push(
      `<rect class="bar${b.cls ? ` ${b.cls}` : ''}" x="${labelW}" y="${y + 3}" width="${r1(w)}" height="${row - 6}"><title>${escapeXml(b.title ?? `${b.label}: ${b.display}`)}</title></rect>`,
    );
    parts.push(`<text class="value" x="${r1(labelW + w + 6)}" y="${y + row * 0.68}">${escapeXml(b.display)}</text>`);
  });
  return svg(width, height, o.ariaLabel, parts);
}

function svg(width: number, height: number, label: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(label)}">${parts.join('')}</svg>`;
}
