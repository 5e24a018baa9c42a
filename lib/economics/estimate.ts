// The monthly cost estimate of a province: its workload priced line by line, totals, budget warning, and what-ifs.
import type { ProvinceConfig } from '../config/schema.ts';
import { PriceBook, applyTiers, type PriceFile, type PriceLine } from './prices.ts';
import { DAYS_PER_MONTH, DEFAULT_OPTIONS, HOURS_PER_MONTH, resolveOptions, windowMinutes, workloadOf, type EstimateOptions, type Workload } from './workload.ts';

/** One priced line of the estimate. */
export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** USD per one `unit`. */
  readonly unitPrice: number;
  readonly usd: number;
  readonly note?: string;
  /** The price line used (`id@region`); `fallback` when another region's price stood in. */
  readonly price: string;
  readonly fallback?: boolean;
  readonly assumption?: boolean;
}

/** A province's monthly estimate. */
export interface CostEstimate {
  readonly province: { readonly code: string; readonly name: string; readonly region: string };
  readonly currency: 'USD';
  readonly vndPerUsd: number;
  readonly month: { readonly days: number; readonly hours: number };
  readonly lines: LineItem[];
  readonly byService: Array<{ readonly service: string; readonly usd: number }>;
  readonly totalUsd: number;
  readonly totalVnd: number;
  readonly budget: { readonly monthlyUsd: number; readonly share: number; readonly over: boolean };
  readonly volumes: {
    readonly framesUploaded: number;
    readonly framesSkippedInactiveHours: number;
    readonly framesSkippedAdaptive: number;
    readonly framesCarried: number;
    readonly imagesWanted: number;
    readonly imagesAnalysed: number;
    readonly framesCapped: number;
    readonly dailyCap: number | null;
    readonly imagesPerDay: number;
    readonly clipMinutes: number;
    readonly sensorReadings: number;
    readonly observations: number;
    readonly streamRecords: number;
    readonly apiRequests: number;
    readonly lambdaInvocations: number;
    readonly lambdaGbSeconds: number;
    readonly dynamodbWriteUnits: number;
    readonly dynamodbReadUnits: number;
  };
  readonly options: EstimateOptions;
  readonly pricing: { readonly asOf: string; readonly regionsUsed: string[]; readonly fallbacks: string[] };
  readonly warnings: string[];
}

/** Rounds a dollar figure to a millionth (float noise out; cents are for display). */
const usd6 = (x: number) => Math.round(x * 1e6) / 1e6;
const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The monthly estimate of `config` at `prices` (list prices; the province's region first, us-east-1 as a fallback).
 * Volumes are per 30-day month; always-on resources are billed 730 hours. Free tiers apply only with `freeTier`.
 */
export function estimateMonthlyCost(config: ProvinceConfig, prices: PriceFile, partial: Partial<EstimateOptions> = {}): CostEstimate {
  const options = resolveOptions(partial);
  const w = workloadOf(config, options);
  const book = new PriceBook(prices, config.region);
  const lines: LineItem[] = [];
  const regions = new Set<string>();

  const add = (id: string, quantity: number, extra: { item?: string; note?: string; unit?: string } = {}) => {
    const { line, fallback } = book.get(id);
    regions.add(line.region);
    let q = quantity;
    let freeNote: string | undefined;
    if (options.freeTier && line.freeTier) {
      q = Math.max(0, quantity - line.freeTier.quantity);
      freeNote = `free tier applied: ${line.freeTier.note}`;
    }
    const notes = [extra.note, line.note, freeNote, !options.freeTier && line.freeTier ? `free tier not applied (${line.freeTier.note})` : undefined].filter(Boolean);
    if (line.tiers) {
      const uses = applyTiers(q, line.tiers, line.per);
      if (uses.length === 0) uses.push({ from: 0, to: line.tiers[0]!.upTo, quantity: 0, unitPrice: line.tiers[0]!.usd / line.per, usd: 0 });
      for (const [i, u] of uses.entries()) {
        lines.push(item(line, fallback, `${extra.item ?? line.item} — ${tierLabel(u.from, u.to)}`, u.quantity, u.unitPrice, u.usd, i === 0 ? notes.join('; ') : undefined, extra.unit));
      }
      return;
    }
    const unitPrice = line.usd! / line.per;
    lines.push(item(line, fallback, extra.item ?? line.item, q, unitPrice, q * unitPrice, notes.join('; ') || undefined, extra.unit));
  };

  const crowd = config.modules.includes('crowd');
  if (crowd) {
    add('rekognition.image.detectLabels', w.frames.analysed, {
      note: `${fmt(w.analysedPerDay)} images/day${w.dailyCap !== undefined ? ` (cap ${fmt(w.dailyCap)}/day)` : ''}`,
    });
    add('rekognition.video.storedLabels', w.clipMinutes, { note: 'stored clips analysed on request (option clipMinutesPerMonth)' });
  }

  // Kinesis.
  if (config.stream.capacityMode === 'provisioned') {
    add('kinesis.provisioned.shardHour', config.stream.shards * HOURS_PER_MONTH, { note: `${config.stream.shards} shard(s) × ${HOURS_PER_MONTH} h` });
    add('kinesis.provisioned.putPayloadUnits', w.stream.records, { note: 'one unit per record (each under 25 KB)' });
  } else {
    add('kinesis.onDemand.streamHour', HOURS_PER_MONTH);
    add('kinesis.onDemand.dataIn', w.stream.kbRoundedBytes / 1024 ** 3);
    add('kinesis.onDemand.dataOut', w.stream.kbRoundedBytes / 1024 ** 3, { note: 'one consumer (the stream processor)' });
  }

  // Lambda.
  const invocations = Object.values(w.functions).reduce((s, f) => s + f.invocations, 0);
  const gbSeconds = Object.values(w.functions).reduce((s, f) => s + f.gbSeconds, 0);
  const busiest = Object.entries(w.functions)
    .filter(([, f]) => f.invocations > 0)
    .sort((a, b) => b[1].gbSeconds - a[1].gbSeconds)
    .slice(0, 3)
    .map(([n, f]) => `${n} ${fmt(f.gbSeconds)}`)
    .join(', ');
  add('lambda.requests', invocations, { note: byFunction(w, 'invocations') });
  add('lambda.arm.gbSecond', gbSeconds, { note: `Arm; most: ${busiest} GB-s` });

  // DynamoDB.
  add('dynamodb.onDemand.writeRequestUnits', w.dynamodb.wru, {
    note: `observations ${fmt(w.dynamodb.observationWrites)}, rollups ${fmt(w.dynamodb.rollupWrites)} (${options.rollups}), frame bookkeeping ${fmt(w.dynamodb.frameWru)}`,
  });
  add('dynamodb.onDemand.readRequestUnits', w.dynamodb.rru);
  add('dynamodb.storage', w.dynamodb.storageGb, { note: `observations for ${config.retention.observationDays} d, rollups for the whole pilot (its last month)` });

  // S3 and SQS (frames).
  if (crowd) {
    add('s3.standard.storage', w.s3.storageGb + w.s3.accessLogGb, {
      note: `frames ${fmt(options.frameBytes / 1000)} KB kept ${config.retention.frameDays} d (${fmt(w.s3.storageGb, 1)} GB) + access logs (${fmt(w.s3.accessLogGb, 1)} GB)`,
    });
    add('s3.standard.put', w.s3.puts, { note: 'one PUT per uploaded frame' });
    add('s3.standard.get', w.s3.gets, { note: 'change gating reads each frame it judges; Rekognition reads each analysed one' });
    add('sqs.standard.requests', w.sqsRequests, { note: 'S3 notifications to the frames queue, receives and deletes, idle long polls' });
  }

  // API Gateway.
  add('apigateway.http.requests', w.api.deviceRequests + w.api.operatorRequests, {
    note: `devices ${fmt(w.api.deviceRequests)}, consoles ${fmt(w.api.operatorRequests)}`,
  });

  // SNS.
  add('sns.publish', w.alerts.publishes, { note: `${fmt(w.alerts.incidents)} incidents (option incidentsPerRulePerMonth), ${fmt(w.alerts.alerts)} alerts` });
  add('sns.email', w.alerts.emails);
  add('sns.sms.vietnam', w.alerts.sms, { note: `${config.alerts.contacts.filter((c) => c.sms).length} SMS contact(s)` });

  // CloudWatch, X-Ray.
  add('cloudwatch.logs.ingestion', w.logs.ingestedGb, { note: 'Lambda platform and app lines, API access logs' });
  add('cloudwatch.logs.storage', w.logs.storedGb, { note: `kept ${config.retention.logDays} d, stored compressed` });
  add('cloudwatch.alarms.standard', w.alarms);
  add('cloudwatch.metrics.custom', w.customMetrics);
  add('xray.traces.recorded', w.traces, { note: options.tracing ? 'active tracing on every function: 1 request/s + 5% of the rest' : 'tracing off' });

  // KMS, Cognito, CloudFront.
  add('kms.key', 1, { note: 'one key per province' });
  add('kms.requests', w.kmsRequests, { note: 'services cache data keys for minutes' });
  add('cognito.essentials.mau', options.operators, { note: 'operators, supervisors and admins (option operators)' });
  add('cloudfront.dataOut', options.cloudfrontGbPerMonth, { note: 'the operations console (not deployed yet)' });
  add('cloudfront.requests.https', 0, { note: 'the operations console (not deployed yet)' });

  const totalUsd = usd6(lines.reduce((s, l) => s + l.usd, 0));
  const services = new Map<string, number>();
  for (const l of lines) services.set(l.service, (services.get(l.service) ?? 0) + l.usd);
  const byService = [...services.entries()].map(([service, usd]) => ({ service, usd: usd6(usd) })).sort((a, b) => b.usd - a.usd);
  const budgetShare = totalUsd / config.budget.monthlyUsd;

  const warnings = warningsOf(config, options, w, totalUsd, book);
  return {
    province: { code: config.code, name: config.name, region: config.region },
    currency: 'USD',
    vndPerUsd: book.vndPerUsd,
    month: { days: DAYS_PER_MONTH, hours: HOURS_PER_MONTH },
    lines,
    byService,
    totalUsd,
    totalVnd: Math.round(totalUsd * book.vndPerUsd),
    budget: { monthlyUsd: config.budget.monthlyUsd, share: Math.round(budgetShare * 10_000) / 10_000, over: totalUsd > config.budget.monthlyUsd },
    volumes: {
      framesUploaded: Math.round(w.frames.uploaded),
      framesSkippedInactiveHours: Math.round(w.frames.inactive),
      framesSkippedAdaptive: Math.round(w.frames.adaptiveSkip),
      framesCarried: Math.round(w.frames.carried),
      imagesWanted: Math.round(w.frames.wanted),
      imagesAnalysed: Math.round(w.frames.analysed),
      framesCapped: Math.round(w.frames.capped),
      dailyCap: w.dailyCap ?? null,
      imagesPerDay: Math.round(w.analysedPerDay),
      clipMinutes: w.clipMinutes,
      sensorReadings: Math.round(w.sensorReadings),
      observations: Math.round(w.observations),
      streamRecords: Math.round(w.stream.records),
      apiRequests: Math.round(w.api.deviceRequests + w.api.operatorRequests),
      lambdaInvocations: Math.round(invocations),
      lambdaGbSeconds: Math.round(gbSeconds),
      dynamodbWriteUnits: Math.round(w.dynamodb.wru),
      dynamodbReadUnits: Math.round(w.dynamodb.rru),
    },
    options,
    pricing: {
      asOf: prices.prices.map((p) => p.asOf).sort().at(-1)!,
      regionsUsed: [...regions].sort(),
      fallbacks: [...book.fallbacks],
    },
    warnings,
  };
}

function item(line: PriceLine, fallback: boolean, name: string, quantity: number, unitPrice: number, usd: number, note: string | undefined, unit?: string): LineItem {
  return {
    service: line.service,
    item: name,
    quantity: Math.round(quantity * 1000) / 1000,
    unit: unit ?? line.unit,
    unitPrice,
    usd: usd6(usd),
    ...(note ? { note } : {}),
    price: `${line.id}@${line.region}`,
    ...(fallback ? { fallback: true } : {}),
    ...(line.assumption ? { assumption: true } : {}),
  };
}

function tierLabel(from: number, to: number | undefined): string {
  if (from === 0) return `first ${fmt(to!)}`;
  if (to === undefined) return `over ${fmt(from)}`;
  return `next ${fmt(to - from)}`;
}

function byFunction(w: Workload, key: 'invocations'): string {
  return Object.entries(w.functions)
    .filter(([, f]) => f[key] > 0)
    .sort((a, b) => b[1][key] - a[1][key])
    .slice(0, 4)
    .map(([n, f]) => `${n} ${fmt(f[key])}`)
    .join(', ');
}

/** Compact English number for notes: 1,234,567 → "1.23M", 12,345 → "12,345". */
export function fmt(n: number, digits = 0): string {
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2).replace(/\.?0+$/, '')}M`;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function warningsOf(config: ProvinceConfig, o: EstimateOptions, w: Workload, totalUsd: number, book: PriceBook): string[] {
  const out: string[] = [];
  if (totalUsd > config.budget.monthlyUsd) {
    out.push(`the estimate ($${money(totalUsd)}) exceeds the budget ($${money(config.budget.monthlyUsd)} a month, budget.monthlyUsd) by ${Math.round((totalUsd / config.budget.monthlyUsd - 1) * 100)}%`);
  }
  if (w.frames.capped > 0) {
    out.push(
      `the daily Rekognition cap (${fmt(w.dailyCap!)}/day) refuses about ${fmt(w.frames.capped / DAYS_PER_MONTH)} frames a day (of ${fmt(w.wantedPerDay)} wanted): those frames are stored but not counted; raise budget.rekognitionDailyCap or save more frames`,
    );
  }
  if (config.stream.capacityMode === 'provisioned') {
    const records = config.stream.shards * 1000;
    const bytes = config.stream.shards * 1024 * 1024;
    if (w.stream.peakRecordsPerSecond > records || w.stream.peakBytesPerSecond > bytes) {
      out.push(`peak stream load (${fmt(w.stream.peakRecordsPerSecond)} records/s) exceeds ${config.stream.shards} shard(s) (1,000 records/s and 1 MB/s each): raise stream.shards`);
    }
  }
  if (w.api.peakDeviceRequestsPerSecond > config.api.rateLimit) {
    out.push(`devices make about ${fmt(w.api.peakDeviceRequestsPerSecond, 1)} requests/s, over the API's rate limit (api.rateLimit ${config.api.rateLimit}/s): requests will be throttled`);
  }
  if (o.savingsSource === DEFAULT_OPTIONS.savingsSource && config.modules.includes('crowd') && config.cameras.length > 0) {
    out.push(`guard savings are design assumptions (adaptive sampling ${pct(o.savings.adaptiveSampling)}, change gating ${pct(o.savings.changeGating)}), not measured: run npm run bench and pass --savings bench/results.json`);
  }
  if (book.fallbacks.size > 0) {
    out.push(`${book.fallbacks.size} price(s) have no ${config.region} line in the pricing file yet and use us-east-1 list prices (marked *); ${config.region} rates are often a little higher`);
  }
  if (config.alerts.contacts.some((c) => c.sms)) out.push('the SMS price to Vietnam is an assumption (sns.sms.vietnam): check the SNS SMS pricing table');
  return out;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** One alternative of a knob and what it would cost. */
export interface KnobRow {
  /** The knob, e.g. "camera interval". */
  readonly knob: string;
  /** The alternative, e.g. "5 s". */
  readonly option: string;
  /** Where it is set: the province config, the devices, or the code. */
  readonly where: 'config' | 'devices' | 'code';
  readonly current: boolean;
  readonly totalUsd: number;
  readonly deltaUsd: number;
  readonly imagesPerMonth: number;
  readonly framesCappedPerMonth: number;
}

/**
 * What each knob is worth: the estimate re-run with one thing changed at a time — camera interval, active hours,
 * change gating, adaptive sampling, the daily cap, the stream capacity mode, and (where they matter) how sensors
 * send, cameras' upload hours, tracing and rollups. Each row gives the monthly total and its difference from now.
 */
export function whatIf(config: ProvinceConfig, prices: PriceFile, partial: Partial<EstimateOptions> = {}): KnobRow[] {
  const options = resolveOptions(partial);
  const base = estimateMonthlyCost(config, prices, options);
  const rows: KnobRow[] = [];
  const row = (knob: string, option: string, where: KnobRow['where'], cfg: ProvinceConfig, opts: Partial<EstimateOptions> = {}, current = false) => {
    const e = current ? base : estimateMonthlyCost(cfg, prices, { ...options, ...opts });
    rows.push({
      knob,
      option,
      where,
      current,
      totalUsd: cents(e.totalUsd),
      deltaUsd: cents(e.totalUsd - base.totalUsd),
      imagesPerMonth: e.volumes.imagesAnalysed,
      framesCappedPerMonth: e.volumes.framesCapped,
    });
  };
  const cams = (f: (c: ProvinceConfig['cameras'][number]) => ProvinceConfig['cameras'][number]): ProvinceConfig => ({ ...config, cameras: config.cameras.map(f) });
  const hasCameras = config.modules.includes('crowd') && config.cameras.length > 0;

  if (hasCameras) {
    const intervals = [...new Set(config.cameras.map((c) => c.intervalSeconds))];
    const now = intervals.length === 1 ? intervals[0] : undefined;
    if (now === undefined) row('camera interval', `as configured (${intervals.join('/')} s)`, 'config', config, {}, true);
    for (const s of [5, 10, 30]) row('camera interval', `${s} s`, 'config', cams((c) => ({ ...c, intervalSeconds: s })), {}, s === now);

    const night = { from: '18:00', to: '06:00' };
    const allNight = config.cameras.every((c) => c.activeHours && windowLabel(c.activeHours) === windowLabel(night));
    const all24 = config.cameras.every((c) => !c.activeHours);
    if (!allNight && !all24) row('active hours', 'as configured', 'config', config, {}, true);
    row('active hours', '12 h (18:00–06:00)', 'config', cams((c) => ({ ...c, activeHours: night })), {}, allNight);
    row('active hours', '24 h', 'config', cams((c) => ({ ...c, activeHours: undefined })), {}, all24);

    for (const [knob, guard] of [
      ['change gating', 'changeGating'],
      ['adaptive sampling', 'adaptiveSampling'],
    ] as const) {
      const on = config.cameras.every((c) => c.guards[guard]);
      const off = config.cameras.every((c) => !c.guards[guard]);
      if (!on && !off) row(knob, 'as configured (mixed)', 'config', config, {}, true);
      row(knob, 'on', 'config', cams((c) => ({ ...c, guards: { ...c.guards, [guard]: true } })), {}, on);
      row(knob, 'off', 'config', cams((c) => ({ ...c, guards: { ...c.guards, [guard]: false } })), {}, off);
    }

    const cap = base.volumes.dailyCap;
    row('daily cap', cap === null ? 'not applied' : `${fmt(cap)}/day${config.budget.rekognitionDailyCap === undefined ? ' (from the budget)' : ''}`, 'config', config, {}, true);
    if (cap !== null) {
      row('daily cap', 'none', 'config', config, { applyDailyCap: false });
      const half = Math.floor(cap / 2);
      row('daily cap', `${fmt(half)}/day`, 'config', { ...config, budget: { ...config.budget, rekognitionDailyCap: half } });
    }
    if (windowMinutesAll(config) < 1440) {
      row('camera uploads', 'only in active hours', 'devices', config, { uploadsOutsideActiveHours: false }, !options.uploadsOutsideActiveHours);
      row('camera uploads', 'around the clock', 'devices', config, { uploadsOutsideActiveHours: true }, options.uploadsOutsideActiveHours);
    }
  }

  const provisioned = config.stream.capacityMode === 'provisioned';
  row('stream capacity', `provisioned, ${config.stream.shards} shard(s)`, 'config', { ...config, stream: { capacityMode: 'provisioned', shards: config.stream.shards } }, {}, provisioned);
  row('stream capacity', 'on-demand', 'config', { ...config, stream: { ...config.stream, capacityMode: 'on-demand' } }, {}, !provisioned);

  if (config.modules.includes('sensors') && config.sensors.length > 0) {
    const cur = options.sensorPath === 'api' ? options.sensorReadingsPerRequest : 0;
    row('sensor sending', `POST /events, ${options.sensorReadingsPerRequest} reading(s) a request`, 'devices', config, {}, options.sensorPath === 'api');
    if (cur !== 5) row('sensor sending', 'POST /events, 5 readings a request', 'devices', config, { sensorPath: 'api', sensorReadingsPerRequest: 5 });
    row('sensor sending', 'a trusted system puts records on the stream', 'devices', config, { sensorPath: 'stream' }, options.sensorPath === 'stream');
  }
  row('tracing (X-Ray)', options.tracing ? 'on' : 'off', 'code', config, {}, true);
  row('tracing (X-Ray)', options.tracing ? 'off' : 'on', 'code', config, { tracing: !options.tracing });
  row('rollups', options.rollups === 'per-batch' ? 'recomputed per batch (as built)' : 'once per bucket', 'code', config, {}, true);
  row('rollups', options.rollups === 'per-batch' ? 'written once per 5-min bucket' : 'recomputed per batch (as built)', 'code', config, { rollups: options.rollups === 'per-batch' ? 'per-bucket' : 'per-batch' });
  return rows;
}

const windowLabel = (w: { from: string; to: string }) => `${w.from}-${w.to}`;
const windowMinutesAll = (config: ProvinceConfig) => Math.min(...config.cameras.map((c) => windowMinutes(c.activeHours)));
