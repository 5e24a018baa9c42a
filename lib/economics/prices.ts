// The price book: pricing/aws-prices.json validated with zod, looked up by price id and region, tiers applied.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { jsonPath } from '../config/schema.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date "YYYY-MM-DD"');
const region = z
  .string()
  .regex(/^([a-z]{2}(-[a-z]+)+-\d|global)$/, 'an AWS region such as us-east-1, or "global"')
  .describe('the region the price is for; "global" for services priced the same everywhere (CloudFront, SMS)');

const tier = z.strictObject({
  upTo: z.number().positive().optional().describe('cumulative quantity where this tier ends; absent on the last tier'),
  usd: z.number().min(0),
});

/** One published price. `usd` is per `per` units (default 1); tiered prices give `tiers` instead. */
export const priceLineSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(\.[a-zA-Z0-9]+)+$/, 'a dotted id such as "lambda.arm.gbSecond"'),
    service: z.string().min(1),
    item: z.string().min(1),
    unit: z.string().min(1),
    region,
    usd: z.number().min(0).optional(),
    per: z.number().positive().default(1),
    tiers: z.array(tier).min(1).optional(),
    freeTier: z.strictObject({ quantity: z.number().positive(), note: z.string().min(1) }).optional(),
    assumption: z.boolean().default(false).describe('not a published price: an assumption, shown as such'),
    note: z.string().optional(),
    source: z.url(),
    asOf: isoDate,
  })
  .superRefine((p, ctx) => {
    if ((p.usd === undefined) === (p.tiers === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['usd'], message: 'exactly one of "usd" or "tiers"' });
    }
    if (p.tiers) {
      p.tiers.forEach((t, i) => {
        const last = i === p.tiers!.length - 1;
        if (last !== (t.upTo === undefined)) {
          ctx.addIssue({ code: 'custom', path: ['tiers', i, 'upTo'], message: last ? 'no "upTo" on the last tier' : 'an "upTo" on every tier but the last' });
        }
        const before = i > 0 ? p.tiers![i - 1]!.upTo : 0;
        if (t.upTo !== undefined && before !== undefined && t.upTo <= before) {
          ctx.addIssue({ code: 'custom', path: ['tiers', i, 'upTo'], message: `an upper bound above the previous tier's (${before})` });
        }
      });
    }
  });
export type PriceLine = z.infer<typeof priceLineSchema>;

/** The pricing file. */
export const priceFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    currency: z.literal('USD'),
    note: z.string().optional(),
    exchange: z.strictObject({
      vndPerUsd: z.number().positive(),
      assumption: z.boolean().default(true),
      source: z.url(),
      asOf: isoDate,
      note: z.string().optional(),
    }),
    prices: z.array(priceLineSchema).min(1),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.prices.forEach((p, i) => {
      const key = `${p.id}@${p.region}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['prices', i], message: `one line per id and region, "${key}" is repeated` });
      seen.add(key);
    });
  });
export type PriceFile = z.infer<typeof priceFileSchema>;

/** The default pricing file, next to the repository root. */
export const DEFAULT_PRICES_FILE = new URL('../../pricing/aws-prices.json', import.meta.url).pathname;

/** The region used when a price has no line for the province's region. */
export const FALLBACK_REGION = 'us-east-1';

/** A pricing file that cannot be used; the message names the file, the JSON path and what was expected. */
export class PriceFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`${file}: invalid pricing file\n${problems.map((p) => `  ${p.path}: expected ${p.message}`).join('\n')}`);
    this.name = 'PriceFileError';
  }
}

/** Validates an already-parsed pricing file; `file` is only used in messages. */
export function parsePriceFile(raw: unknown, file = 'pricing file'): PriceFile {
  const result = priceFileSchema.safeParse(raw);
  if (!result.success) {
    throw new PriceFileError(
      file,
      result.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message.replace(/^Invalid input: expected /, '') })),
    );
  }
  return result.data;
}

/** Reads and validates a pricing file (default: pricing/aws-prices.json). */
export function loadPriceFile(file: string = DEFAULT_PRICES_FILE): PriceFile {
  const shown = relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new PriceFileError(shown, [{ path: '$', message: err.code ? `a readable file (${err.code})` : `valid JSON (${err.message})` }]);
  }
  return parsePriceFile(raw, shown);
}

/** A price chosen for a region: the line, and whether it came from another region than asked. */
export interface ResolvedPrice {
  readonly line: PriceLine;
  /** True when the line is for {@link FALLBACK_REGION} because the file has none for the asked region. */
  readonly fallback: boolean;
}

/** Looks prices up for one region: that region's line, else a "global" one, else the us-east-1 one (a fallback). */
export class PriceBook {
  private readonly byKey = new Map<string, PriceLine>();
  /** Ids priced with a fallback line, in the order they were asked for. */
  readonly fallbacks = new Set<string>();

  constructor(
    readonly file: PriceFile,
    readonly region: string,
  ) {
    for (const p of file.prices) this.byKey.set(`${p.id}@${p.region}`, p);
  }

  /** The price `id` for this book's region. @throws Error when the file has no line for `id` at all. */
  get(id: string): ResolvedPrice {
    const own = this.byKey.get(`${id}@${this.region}`) ?? this.byKey.get(`${id}@global`);
    if (own) return { line: own, fallback: false };
    const fb = this.byKey.get(`${id}@${FALLBACK_REGION}`);
    if (!fb) throw new Error(`the pricing file has no price "${id}" (for ${this.region}, global or ${FALLBACK_REGION})`);
    this.fallbacks.add(id);
    return { line: fb, fallback: true };
  }

  /** VND per USD from the file. */
  get vndPerUsd(): number {
    return this.file.exchange.vndPerUsd;
  }
}

/** One tier's share of a quantity. */
export interface TierUse {
  readonly from: number;
  readonly to: number | undefined;
  readonly quantity: number;
  readonly usd: number;
  readonly unitPrice: number;
}

/**
 * Splits `quantity` across volume tiers (each tier's `upTo` is cumulative) and prices each part: 1.2 M images over
 * tiers [1 M @ 0.001, 5 M @ 0.0008, …] → 1 M × 0.001 + 0.2 M × 0.0008. Tiers with nothing in them are left out.
 */
export function applyTiers(quantity: number, tiers: PriceLine['tiers'] & object, per = 1): TierUse[] {
  const out: TierUse[] = [];
  let from = 0;
  for (const t of tiers) {
    const to = t.upTo;
    const inTier = Math.max(0, Math.min(quantity, to ?? Infinity) - from);
    if (inTier > 0) out.push({ from, to, quantity: inTier, unitPrice: t.usd / per, usd: (inTier * t.usd) / per });
    if (to === undefined || quantity <= to) break;
    from = to;
  }
  return out;
}
