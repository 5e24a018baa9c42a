// `npm run cost -- provinces/<code>.json [--json] [--savings bench/results.json]`: a province's monthly cost estimate.
import { ConfigError, loadProvinceConfig } from '../lib/config/load.ts';
import { renderCostText } from '../lib/economics/cost-table.ts';
import { estimateMonthlyCost, whatIf } from '../lib/economics/estimate.ts';
import { DEFAULT_PRICES_FILE, PriceFileError, loadPriceFile } from '../lib/economics/prices.ts';
import { referenceCost, referenceProvince } from '../lib/economics/reference.ts';
import { NoSavingsError, loadSavings, type MeasuredSavings } from '../lib/economics/savings.ts';
import type { EstimateOptions } from '../lib/economics/workload.ts';

const USAGE = `usage: npm run cost -- <provinces/<code>.json | --reference> [options]

  --json                  print the estimate as JSON (line items, totals, volumes, knobs, warnings)
  --savings <file>        guard savings measured by the benchmark (bench/results.json: rekognition.savingsByGuard)
  --prices <file>         pricing file (default pricing/aws-prices.json)
  --free-tier             apply the account-wide free tiers listed in the pricing file
  --sensor-batch <n>      readings a sensor sends per POST /events (default 1)
  --sensor-stream         sensors reach the stream through a trusted system (PutRecords), not POST /events
  --uploads-all-day       cameras upload around the clock (the active-hours guard drops what is outside)
  --clip-minutes <n>      stored-clip minutes analysed with Rekognition Video per month (default 0)
  --reference             the benchmark's reference province (50 cameras at 10 s, 12 h, 2,000 sensors at 1/min):
                          with guards vs continuous`;

class UsageError extends Error {}

interface Args {
  file?: string;
  reference: boolean;
  json: boolean;
  savings?: string;
  prices: string;
  options: Partial<EstimateOptions>;
}

function parse(argv: readonly string[]): Args {
  const a: Args = { reference: false, json: false, prices: DEFAULT_PRICES_FILE, options: {} };
  const opts: { -readonly [K in keyof EstimateOptions]?: EstimateOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const number = (min: number) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min) throw new UsageError(`${flag} needs a number of at least ${min}`);
      return v;
    };
    switch (flag) {
      case '--json':
        a.json = true;
        break;
      case '--savings':
        a.savings = value();
        break;
      case '--prices':
        a.prices = value();
        break;
      case '--free-tier':
        opts.freeTier = true;
        break;
      case '--sensor-batch':
        opts.sensorReadingsPerRequest = number(1);
        break;
      case '--sensor-stream':
        opts.sensorPath = 'stream';
        break;
      case '--uploads-all-day':
        opts.uploadsOutsideActiveHours = true;
        break;
      case '--clip-minutes':
        opts.clipMinutesPerMonth = number(0);
        break;
      case '--reference':
        a.reference = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}`);
        if (a.file) throw new UsageError(`one config file at a time (got ${a.file} and ${flag})`);
        a.file = flag;
    }
  }
  if (!a.file && !a.reference) throw new UsageError('which province? give provinces/<code>.json (or --reference)');
  if (a.file && a.reference) throw new UsageError('give a config file or --reference, not both');
  a.options = opts;
  return a;
}

const money = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

try {
  const args = parse(process.argv.slice(2));
  const prices = loadPriceFile(args.prices);
  let measured: MeasuredSavings | undefined;
  try {
    measured = args.savings ? loadSavings(args.savings) : undefined;
  } catch (e) {
    if (!(e instanceof NoSavingsError)) throw e;
    console.error(`npm run cost: ${e.message}: using the design assumptions`);
  }
  const options: Partial<EstimateOptions> = { ...args.options, ...(measured ? { savings: measured.savings, savingsSource: measured.source } : {}) };
  if (args.reference) {
    const r = referenceCost(prices, options);
    if (args.json) {
      const { guarded, continuous, ...figures } = r;
      console.log(JSON.stringify({ ...figures, guarded, continuous }, null, 2));
    } else {
      console.log(renderCostText(r.guarded, whatIf(referenceProvince(), prices, { ...options, applyDailyCap: false })));
      console.log('');
      console.log('Reference province (benchmark issue): 50 cameras at 10 s in 12 night hours, 2,000 sensors at 1 reading/min');
      console.log(`  with guards (${r.savingsSource}): ${money(r.provinceMonthUsd)} a month, ${r.imagesPerMonth.toLocaleString('en-US')} images`);
      console.log(`  continuous (every night frame analysed, no cap): ${money(r.continuousProvinceMonthUsd)} a month, ${r.continuousImagesPerMonth.toLocaleString('en-US')} images`);
      console.log(`  as deployed (guards + the budget-derived daily cap): ${money(r.cappedProvinceMonthUsd)}, ${r.framesCappedPerMonth.toLocaleString('en-US')} frames a month refused by the cap`);
    }
  } else {
    const config = loadProvinceConfig(args.file!);
    const estimate = estimateMonthlyCost(config, prices, options);
    const knobs = whatIf(config, prices, options);
    if (args.json) console.log(JSON.stringify({ ...estimate, knobs }, null, 2));
    else console.log(renderCostText(estimate, knobs));
  }
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`npm run cost: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (e instanceof ConfigError || e instanceof PriceFileError) {
    console.error(e.message);
    process.exit(1);
  }
  console.error(`npm run cost: ${(e as Error).message}`);
  process.exit(1);
}
