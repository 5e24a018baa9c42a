// What a province does in a month, from its config: frames, guard decisions, readings, records, requests, writes.
// Each per-operation figure below is read from the code as built (lambdas/, lib/constructs/) and says where from.
import type { ProvinceConfig, Rule } from '../config/schema.ts';
import { rekognitionDailyCap } from '../constructs/vision.ts';
import { NO_RULE_MULTIPLIER } from '../../lambdas/shared/domain/sampling.ts';

/** Days in the estimated month: volumes are per day (the Rekognition cap is daily) times 30. */
export const DAYS_PER_MONTH = 30;
/** Hours billed for an always-on resource in a month (AWS's convention: 365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
const SECONDS_PER_DAY = 86_400;

/** Rekognition cap units a started clip minute takes (mirrors `CLIP_UNITS_PER_MINUTE` in lambdas/start-clip). */
export const CLIP_UNITS_PER_MINUTE = 100;

/**
 * Share of frames each guard saves, of the frames that reach it (guards run in this order: active hours, adaptive
 * sampling, change gating, daily cap). Active hours are not a factor: the config's windows decide them exactly.
 */
export interface GuardSavings {
  /** Of the frames inside active hours, the share adaptive sampling skips (`adaptive-skip`). */
  readonly adaptiveSampling: number;
  /** Of the frames adaptive sampling let through, the share change gating carries over (`carried`, no call). */
  readonly changeGating: number;
}

/**
 * Design assumptions until `npm run bench` measures them (`--savings bench/results.json`): on a quiet night the
 * analyser samples a zone far below its crowd threshold at 1/6 of the rate (`ADAPTIVE_GRADES`), and a still scene is
 * carried for up to 300 s (`GATE_DEFAULTS.maxAgeSeconds`); a busier scene saves less. These defaults are deliberately
 * cautious (together 1 call in 6.7 frames; a still night reaches 1 in 30).
 */
export const DEFAULT_SAVINGS: GuardSavings = { adaptiveSampling: 0.5, changeGating: 0.7 };

/** Options of an estimate; every one has a documented default ({@link DEFAULT_OPTIONS}). */
export interface EstimateOptions {
  /** Guard savings factors (shares, 0..1). @default {@link DEFAULT_SAVINGS} */
  readonly savings: GuardSavings;
  /** Where the savings factors come from, shown with the estimate. @default 'design assumption' */
  readonly savingsSource: string;
  /** Readings each sensor sends per minute. @default 1 */
  readonly sensorReadingsPerMinute: number;
  /** Readings a sensor sends in one `POST /events` (a sensor buffering 5 readings: 5). @default 1 */
  readonly sensorReadingsPerRequest: number;
  /** `api`: each sensor posts to `POST /events`; `stream`: a trusted system puts records on the stream. @default 'api' */
  readonly sensorPath: 'api' | 'stream';
  /**
   * Cameras upload around the clock instead of only in their active hours (the sweep and the KPIs assume they keep
   * to their hours; the active-hours guard then catches what is sent outside them). @default false
   */
  readonly uploadsOutsideActiveHours: boolean;
  /** Average JPEG frame size in bytes. @default 60000 */
  readonly frameBytes: number;
  /** Apply the daily Rekognition cap (config's, or derived from the budget). @default true */
  readonly applyDailyCap: boolean;
  /** Minutes of stored clips analysed with Rekognition Video per month (operators' requests). @default 0 */
  readonly clipMinutesPerMonth: number;
  /** Incidents each enabled rule opens per month (alerts, incident writes). @default 30 */
  readonly incidentsPerRulePerMonth: number;
  /** Share of incidents escalated (a second alert). @default 0.2 */
  readonly escalationShare: number;
  /** Operators, supervisors and admins signing in each month (Cognito MAU). @default 10 */
  readonly operators: number;
  /** Consoles open around the clock in the operations centre. @default 2 */
  readonly consoles: number;
  /** API requests an open console makes per minute (board refresh). @default 4 */
  readonly consoleRequestsPerMinute: number;
  /** Console data served through CloudFront per month (the console is not deployed yet). @default 0 */
  readonly cloudfrontGbPerMonth: number;
  /** Lambda active tracing (X-Ray), as the house function wrapper sets it. @default true */
  readonly tracing: boolean;
  /**
   * `per-batch`: as built, each stream batch re-reads and rewrites the rollup of every (source, 5-min bucket) it
   * touched; `per-bucket`: one rollup write per bucket (a code change, shown as an alternative). @default 'per-batch'
   */
  readonly rollups: 'per-batch' | 'per-bucket';
  /** Apply the free tiers listed in the pricing file (account-wide, shared by every province of the account). @default false */
  readonly freeTier: boolean;
}

/** The defaults of {@link EstimateOptions}. */
export const DEFAULT_OPTIONS: EstimateOptions = {
  savings: DEFAULT_SAVINGS,
  savingsSource: 'design assumption (run npm run bench, then --savings bench/results.json)',
  sensorReadingsPerMinute: 1,
  sensorReadingsPerRequest: 1,
  sensorPath: 'api',
  uploadsOutsideActiveHours: false,
  frameBytes: 60_000,
  applyDailyCap: true,
  clipMinutesPerMonth: 0,
  incidentsPerRulePerMonth: 30,
  escalationShare: 0.2,
  operators: 10,
  consoles: 2,
  consoleRequestsPerMinute: 4,
  cloudfrontGbPerMonth: 0,
  tracing: true,
  rollups: 'per-batch',
  freeTier: false,
};

/** Options with defaults filled in. */
export function resolveOptions(partial: Partial<EstimateOptions> = {}): EstimateOptions {
  const o = { ...DEFAULT_OPTIONS, ...partial, savings: { ...DEFAULT_OPTIONS.savings, ...partial.savings } };
  for (const [k, v] of Object.entries(o.savings)) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`savings.${k} must be a share between 0 and 1, got ${v}`);
  }
  if (!(o.sensorReadingsPerRequest >= 1)) throw new RangeError('sensorReadingsPerRequest must be at least 1');
  return o;
}

/** Lambda functions of a province: memory as deployed, and per-invocation figures the estimate assumes. */
export const FUNCTIONS = {
  'authorize-device': { memoryMb: 512, module: 'core', baseMs: 15, appLogBytes: 0 },
  'process-stream': { memoryMb: 512, module: 'core', baseMs: 40, appLogBytes: 400 },
  'operator-api': { memoryMb: 512, module: 'core', baseMs: 60, appLogBytes: 300 },
  sweep: { memoryMb: 512, module: 'core', baseMs: 150, appLogBytes: 300 },
  'ingest-events': { memoryMb: 512, module: 'sensors', baseMs: 25, appLogBytes: 200 },
  'analyze-frame': { memoryMb: 1024, module: 'crowd', baseMs: 20, appLogBytes: 400 },
  'request-frame-url': { memoryMb: 512, module: 'crowd', baseMs: 30, appLogBytes: 0 },
  'start-clip': { memoryMb: 512, module: 'crowd', baseMs: 200, appLogBytes: 300 },
  'finish-clip': { memoryMb: 512, module: 'crowd', baseMs: 500, appLogBytes: 300 },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

/** Per-operation figures (milliseconds, bytes, request units) read from the code; see each comment. */
export const OPS = {
  /** START/REPORT platform lines of one invocation in JSON log format. */
  platformLogBytes: 700,
  /** One HTTP API access-log line (operator-api.ts AccessLogFormat.custom). */
  accessLogBytes: 400,
  /** The device authorizer caches a credential for 60 s (operator-api.ts resultsCacheTtl). */
  authorizerCacheSeconds: 60,
  /** Stream consumer batching window (stream-processor.ts maxBatchingWindow) and SQS frames batching. */
  streamWindowSeconds: 1,
  streamMsPerRecord: 1,
  framesBatchSize: 10,
  framesWindowSeconds: 1,
  /** Lambda SQS pollers long-poll an idle queue (5 pollers, 20 s waits). */
  sqsIdleRequestsPerMonth: 5 * 3 * 60 * 24 * DAYS_PER_MONTH,
  /** analyze-frame: ms per frame decided before gating, for reading the frame and its signature, and per DetectLabels. */
  analyzerMsPerFrame: 15,
  analyzerMsGating: 35,
  analyzerMsDetect: 350,
  /** Observation envelope sizes on the stream and in the table. */
  sensorRecordBytes: 300,
  carriedRecordBytes: 450,
  analysedRecordBytes: 700,
  /**
   * DynamoDB writes per frame (analyze-frame.ts): every frame updates the camera state (recordFrame) and the day's
   * usage item (count); a carried frame the state again; an analysed frame the cap unit (usage item), the ledger
   * twice and the state. UpdateItem bills the whole item, and the usage item grows with a counter per camera.
   */
  frameStateWru: 1,
  ledgerWru: 1,
  usageItemBaseBytes: 250,
  usageItemBytesPerCamera: 22,
  /** Reads per frame: the ledger (strongly consistent, 1 RRU) and the camera state (eventually consistent, 0.5). */
  frameRru: 1.5,
  /** The rule state read per (rule, subject) group of a batch (strongly consistent). */
  ruleStateRru: 1,
  /** A crowd rule always writes its state (per-camera counts), in a transaction: 2 WRU. */
  crowdStateWru: 2,
  /** Writes for one incident's life (transactions, audit entries, KPI counters). */
  incidentWru: 25,
  /** Authorizer: one registry read per cache miss. */
  authorizerRru: 1,
  /** Operator API: reads per request (incident pages, rollups). */
  operatorRru: 5,
  /** Sweep: reads per run (active incidents, usage), and per watched source of a stale rule (latest observation). */
  sweepRruPerRun: 2,
  sweepRruPerWatchedSource: 0.5,
  sweepMsPerWatchedSource: 1,
  /** Stored item sizes, with key and attribute overhead. */
  observationItemBytes: 350,
  rollupItemBytes: 250,
  ledgerItemBytes: 600,
  /** S3 server access-log line per request on the frames bucket; access logs kept at least 90 days (vision.ts). */
  s3AccessLogBytes: 350,
  /** CloudWatch stores logs compressed; the share of the ingested size stored. */
  logCompression: 0.15,
  /** X-Ray samples 1 request a second and 5% of the rest, per function. */
  xrayReservoirPerSecond: 1,
  xrayRate: 0.05,
  /** KMS calls per (function, encrypted resource) pair a month: data keys cached about 5 minutes. */
  kmsRequestsPerPairMonth: 12 * HOURS_PER_MONTH,
  /** Operator API requests from the console. */
  operatorApiMs: 60,
} as const;

/** One camera's month. */
export interface CameraMonth {
  readonly id: string;
  readonly zone: string;
  readonly intervalSeconds: number;
  /** Frames the camera uploads. */
  readonly uploaded: number;
  /** Skipped outside active hours. */
  readonly inactive: number;
  /** Skipped by adaptive sampling. */
  readonly adaptiveSkip: number;
  /** Frames that reached change gating (their bytes are read from S3). */
  readonly gated: number;
  /** Carried over by change gating. */
  readonly carried: number;
  /** Frames that would be sent to DetectLabels before the cap. */
  readonly wanted: number;
  /** Sent to DetectLabels. */
  readonly analysed: number;
  /** Refused by the daily cap (not counted). */
  readonly capped: number;
}

/** A function's month. */
export interface FunctionMonth {
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly logBytes: number;
  readonly traces: number;
}

/** A province's month of work. */
export interface Workload {
  readonly cameras: CameraMonth[];
  readonly frames: { uploaded: number; inactive: number; adaptiveSkip: number; gated: number; carried: number; wanted: number; analysed: number; capped: number };
  readonly dailyCap: number | undefined;
  readonly wantedPerDay: number;
  readonly analysedPerDay: number;
  readonly clipMinutes: number;
  readonly sensorReadings: number;
  readonly observations: number;
  readonly stream: { records: number; bytes: number; kbRoundedBytes: number; peakRecordsPerSecond: number; peakBytesPerSecond: number; shards: number };
  readonly api: { deviceRequests: number; operatorRequests: number; peakDeviceRequestsPerSecond: number };
  readonly functions: Record<FunctionName, FunctionMonth>;
  readonly dynamodb: { wru: number; rru: number; storageGb: number; rollupWrites: number; observationWrites: number; frameWru: number };
  readonly s3: { puts: number; gets: number; storageGb: number; accessLogGb: number };
  readonly sqsRequests: number;
  readonly alerts: { incidents: number; alerts: number; emails: number; sms: number; publishes: number };
  readonly logs: { ingestedGb: number; storedGb: number };
  readonly alarms: number;
  readonly customMetrics: number;
  readonly kmsRequests: number;
  readonly traces: number;
}

/** Minutes per day inside a local window `from`–`to` (may cross midnight; equal ends: all day); all day without one. */
export function windowMinutes(window?: { from: string; to: string }): number {
  if (!window) return 1440;
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const d = (m(window.to) - m(window.from) + 1440) % 1440;
  return d === 0 ? 1440 : d;
}

/** Alarms a province's stack creates (lib/constructs/alarms.ts, vision.ts): fixed ones plus errors and throttles per function. */
export function alarmCount(config: ProvinceConfig): number {
  const fns = functionsOf(config).length;
  const vision = config.modules.includes('crowd') ? VISION_ALARMS : 0;
  return CORE_ALARMS + 2 * fns + vision;
}
/** FailureQueueDepth, IteratorAge, Api5xx. */
const CORE_ALARMS = 3;
/** FramesDlqDepth, FailedAnalysisShare, ClipAnalysesFailed (vision.ts). */
const VISION_ALARMS = 3;

/** Custom (EMF) metrics the functions publish, by module (names × the province dimension). */
const CUSTOM_METRICS = { core: 14, sensors: 2, crowd: 16 } as const;
/** (function, encrypted resource) pairs that call KMS, by module. */
const KMS_PAIRS = { core: 10, sensors: 2, crowd: 8 } as const;

/** The functions a province deploys. */
export function functionsOf(config: ProvinceConfig): FunctionName[] {
  return (Object.keys(FUNCTIONS) as FunctionName[]).filter((f) => {
    const m = FUNCTIONS[f].module;
    return m === 'core' || config.modules.includes(m);
  });
}

/** Batches a poller forms per second from `rate` records/s with a batching window (each batch waits the window). */
function batchesPerSecond(rate: number, windowSeconds: number, maxBatch: number): number {
  if (rate <= 0) return 0;
  return Math.max(rate / maxBatch, rate / (1 + rate * windowSeconds));
}

/** Traces X-Ray records for `invocations` spread over the month. */
function tracesOf(invocations: number, activeSeconds = DAYS_PER_MONTH * SECONDS_PER_DAY): number {
  if (invocations <= 0) return 0;
  const rate = invocations / activeSeconds;
  const perSecond = Math.min(rate, OPS.xrayReservoirPerSecond) + OPS.xrayRate * Math.max(0, rate - OPS.xrayReservoirPerSecond);
  return perSecond * activeSeconds;
}

/** The enabled crowd rules' thresholds of a zone. */
const crowdRulesOf = (rules: readonly Rule[], zone: string) => rules.filter((r) => r.kind === 'crowd' && r.enabled && r.zone === zone);

/** A province's month of work under `options`. */
export function workloadOf(config: ProvinceConfig, options: EstimateOptions): Workload {
  const o = options;
  const month = DAYS_PER_MONTH;

  // Cameras: per day, then × 30.
  const cams = config.modules.includes('crowd') ? config.cameras : [];
  const perDay = cams.map((c) => {
    const activeMin = windowMinutes(c.activeHours);
    const uploadMin = o.uploadsOutsideActiveHours ? 1440 : activeMin;
    const uploaded = (uploadMin * 60) / c.intervalSeconds;
    const eligibleMin = c.guards.activeHours ? Math.min(activeMin, uploadMin) : uploadMin;
    const eligible = (eligibleMin * 60) / c.intervalSeconds;
    const inactive = uploaded - eligible;
    // A zone without a crowd rule is always sampled at 1/NO_RULE_MULTIPLIER: nothing to alert on.
    const adaptiveShare = !c.guards.adaptiveSampling ? 0 : crowdRulesOf(config.rules, c.zone).length === 0 ? 1 - 1 / NO_RULE_MULTIPLIER : o.savings.adaptiveSampling;
    const adaptiveSkip = eligible * adaptiveShare;
    const afterSampling = eligible - adaptiveSkip;
    const gated = c.guards.changeGating ? afterSampling : 0;
    const carried = c.guards.changeGating ? afterSampling * o.savings.changeGating : 0;
    const wanted = afterSampling - carried;
    return { c, eligibleMin, uploaded, inactive, adaptiveSkip, gated, carried, wanted };
  });
  const wantedPerDay = perDay.reduce((s, x) => s + x.wanted, 0);
  const clipUnitsPerDay = (o.clipMinutesPerMonth / month) * CLIP_UNITS_PER_MINUTE;
  const dailyCap = config.modules.includes('crowd') && o.applyDailyCap ? rekognitionDailyCap(config) : undefined;
  const frameCapPerDay = dailyCap === undefined ? Infinity : Math.max(0, dailyCap - clipUnitsPerDay);
  const analysedPerDay = Math.min(wantedPerDay, frameCapPerDay);
  const keep = wantedPerDay > 0 ? analysedPerDay / wantedPerDay : 1;
  const cameras: CameraMonth[] = perDay.map((x) => ({
    id: x.c.id,
    zone: x.c.zone,
    intervalSeconds: x.c.intervalSeconds,
    uploaded: x.uploaded * month,
    inactive: x.inactive * month,
    adaptiveSkip: x.adaptiveSkip * month,
    gated: x.gated * month,
    carried: x.carried * month,
    wanted: x.wanted * month,
    analysed: x.wanted * keep * month,
    capped: x.wanted * (1 - keep) * month,
  }));
  const sum = (k: keyof CameraMonth) => cameras.reduce((s, c) => s + (c[k] as number), 0);
  const frames = {
    uploaded: sum('uploaded'),
    inactive: sum('inactive'),
    adaptiveSkip: sum('adaptiveSkip'),
    gated: sum('gated'),
    carried: sum('carried'),
    wanted: sum('wanted'),
    analysed: sum('analysed'),
    capped: sum('capped'),
  };
  const clipMinutes = config.modules.includes('crowd') ? Math.min(o.clipMinutesPerMonth, dailyCap === undefined ? Infinity : (dailyCap * month) / CLIP_UNITS_PER_MINUTE) : 0;
  // Busiest second: every camera uploading at once in its hours.
  const framesPerSecondPeak = cams.reduce((s, c) => s + 1 / c.intervalSeconds, 0);

  // Sensors.
  const sensors = config.modules.includes('sensors') ? config.sensors.length : 0;
  const sensorReadings = sensors * o.sensorReadingsPerMinute * 1440 * month;
  const sensorRequests = o.sensorPath === 'api' ? sensorReadings / o.sensorReadingsPerRequest : 0;
  const sensorsPerSecond = (sensors * o.sensorReadingsPerMinute) / 60;

  // Observations on the stream.
  const cameraObs = frames.carried + frames.analysed;
  const observations = sensorReadings + cameraObs;
  const streamBytes = sensorReadings * OPS.sensorRecordBytes + frames.carried * OPS.carriedRecordBytes + frames.analysed * OPS.analysedRecordBytes;
  const kbRoundedBytes = observations * 1024; // every envelope is under 1 KB
  const shards = config.stream.capacityMode === 'provisioned' ? config.stream.shards : 4; // on-demand starts at 4 MB/s
  const peakRecordsPerSecond = sensorsPerSecond + framesPerSecondPeak;
  const peakBytesPerSecond = sensorsPerSecond * OPS.sensorRecordBytes + framesPerSecondPeak * OPS.analysedRecordBytes;

  // Function invocations.
  const seconds = month * SECONDS_PER_DAY;
  const fn = Object.fromEntries((Object.keys(FUNCTIONS) as FunctionName[]).map((f) => [f, { invocations: 0, gbSeconds: 0, logBytes: 0, traces: 0 }])) as Record<FunctionName, FunctionMonth>;
  const run = (f: FunctionName, invocations: number, msTotal: number, activeSeconds = seconds) => {
    const spec = FUNCTIONS[f];
    fn[f] = {
      invocations,
      gbSeconds: (msTotal / 1000) * (spec.memoryMb / 1024),
      logBytes: invocations * (OPS.platformLogBytes + spec.appLogBytes),
      traces: o.tracing ? tracesOf(invocations, activeSeconds) : 0,
    };
  };
  // Device authorizer: one call per device per cache period at most.
  const cameraAuth = cams.reduce((s, c, i) => {
    const uploadMinutes = (perDay[i]!.uploaded * c.intervalSeconds) / 60;
    return s + uploadMinutes * Math.min(1, OPS.authorizerCacheSeconds / c.intervalSeconds) * month;
  }, 0);
  const requestsPerSensorDay = sensors ? sensorRequests / sensors / month : 0;
  const sensorAuth = sensors * Math.min(requestsPerSensorDay, SECONDS_PER_DAY / OPS.authorizerCacheSeconds) * month;
  const authCalls = cameraAuth + sensorAuth;
  run('authorize-device', authCalls, authCalls * FUNCTIONS['authorize-device'].baseMs);
  run('ingest-events', sensorRequests, sensorRequests * FUNCTIONS['ingest-events'].baseMs + sensorReadings * (o.sensorPath === 'api' ? 1 : 0));
  run('request-frame-url', frames.uploaded, frames.uploaded * FUNCTIONS['request-frame-url'].baseMs);
  // Frames arrive only in the cameras' hours: batching and tracing are judged at that rate.
  const uploadSeconds = cams.length ? Math.max(...perDay.map((x) => (x.uploaded * x.c.intervalSeconds))) * month : seconds;
  const frameRate = frames.uploaded / Math.max(uploadSeconds, 1);
  const analyzerBatches = batchesPerSecond(frameRate, OPS.framesWindowSeconds, OPS.framesBatchSize) * uploadSeconds;
  run(
    'analyze-frame',
    analyzerBatches,
    analyzerBatches * FUNCTIONS['analyze-frame'].baseMs +
      frames.uploaded * OPS.analyzerMsPerFrame +
      frames.gated * OPS.analyzerMsGating +
      frames.analysed * OPS.analyzerMsDetect,
    uploadSeconds,
  );
  const recordRate = observations / seconds / shards;
  const streamBatches = batchesPerSecond(recordRate, OPS.streamWindowSeconds, 500) * seconds * shards;
  run('process-stream', streamBatches, streamBatches * FUNCTIONS['process-stream'].baseMs + observations * OPS.streamMsPerRecord);
  const sweeps = 1440 * month;
  const staleRules = config.rules.filter((r) => r.kind === 'stale' && r.enabled);
  // Cameras are watched only in their hours (sweep.ts skips sleeping cameras).
  const awakeCameraShare = cams.reduce((s, c) => s + windowMinutes(c.activeHours) / 1440, 0);
  const watchedPerSweep = staleRules.reduce((s, r) => s + (r.kind === 'stale' && r.source ? 1 : sensors + awakeCameraShare), 0);
  run('sweep', sweeps, sweeps * (FUNCTIONS.sweep.baseMs + watchedPerSweep * OPS.sweepMsPerWatchedSource));
  const operatorRequests = o.consoles * o.consoleRequestsPerMinute * 1440 * month;
  run('operator-api', operatorRequests, operatorRequests * FUNCTIONS['operator-api'].baseMs);
  const clipStarts = clipMinutes; // one start per clip minute at most: a conservative count
  run('start-clip', clipStarts, clipStarts * FUNCTIONS['start-clip'].baseMs);
  run('finish-clip', clipStarts, clipStarts * FUNCTIONS['finish-clip'].baseMs);
  for (const f of Object.keys(fn) as FunctionName[]) if (!functionsOf(config).includes(f)) fn[f] = { invocations: 0, gbSeconds: 0, logBytes: 0, traces: 0 };

  // DynamoDB.
  const usageWru = Math.ceil((OPS.usageItemBaseBytes + OPS.usageItemBytesPerCamera * cams.length) / 1024);
  const frameWru =
    frames.uploaded * (OPS.frameStateWru + usageWru) +
    frames.carried * OPS.frameStateWru +
    frames.analysed * (usageWru + 2 * OPS.ledgerWru + OPS.frameStateWru) +
    frames.capped * (usageWru + OPS.ledgerWru);
  const frameRru = frames.uploaded * OPS.frameRru;
  const observationWrites = observations;
  // Rollups: a source's bucket is recomputed by each batch that carries one of its observations (per-batch), or once.
  const bucketsPerMonth = (month * 1440) / 5;
  const batchesPerBucket = (streamBatches / seconds / shards) * 300;
  let rollupWrites = 0;
  let rollupRru = 0;
  const rollup = (buckets: number, obsPerBucket: number) => {
    if (buckets <= 0 || obsPerBucket <= 0) return;
    const perBucket = o.rollups === 'per-bucket' ? 1 : Math.max(1, Math.min(obsPerBucket, batchesPerBucket));
    const writes = buckets * Math.min(1, obsPerBucket) * perBucket;
    // Each recompute queries the bucket so far (half of it on average when per batch), strongly consistent: 1 RRU per 4 KB.
    const readBytes = (o.rollups === 'per-bucket' ? obsPerBucket : obsPerBucket / 2) * OPS.observationItemBytes;
    rollupWrites += writes;
    rollupRru += writes * Math.max(1, Math.ceil(readBytes / 4096));
  };
  rollup(sensors * bucketsPerMonth, o.sensorReadingsPerMinute * 5);
  cameras.forEach((c, i) => {
    const buckets = (perDay[i]!.eligibleMin / 5) * month;
    rollup(buckets, (c.carried + c.analysed) / buckets);
  });
  // Rules in the stream processor: a state read per (rule, subject) group in a batch (≈ per observation here);
  // crowd rules write their state every time.
  const readingsPerSensor = o.sensorReadingsPerMinute * 1440 * month;
  const thresholdReads = sensors
    ? config.rules.reduce((s, r) => {
        if (r.kind !== 'threshold' || !r.enabled) return s;
        const watched = r.source ? 1 : config.sensors.filter((x) => x.kind === r.sensorKind && (!r.zone || x.zone === r.zone)).length;
        return s + watched * readingsPerSensor;
      }, 0)
    : 0;
  const crowdObs = cameras.reduce((s, c) => s + (c.carried + c.analysed) * crowdRulesOf(config.rules, c.zone).length, 0);
  const ruleRru = (thresholdReads + crowdObs) * OPS.ruleStateRru;
  const ruleWru = crowdObs * OPS.crowdStateWru;
  const enabledRules = config.rules.filter((r) => r.enabled).length;
  const incidents = enabledRules * o.incidentsPerRulePerMonth;
  const authRru = authCalls * OPS.authorizerRru;
  const operatorRru = operatorRequests * OPS.operatorRru;
  const sweepRru = sweeps * (OPS.sweepRruPerRun + watchedPerSweep * OPS.sweepRruPerWatchedSource);
  const wru = frameWru + observationWrites + rollupWrites + ruleWru + incidents * OPS.incidentWru;
  const rru = frameRru + rollupRru + ruleRru + authRru + operatorRru + sweepRru;
  // Storage: raw observations for their TTL, rollups for the whole pilot (its last month), the frame ledger for frameDays.
  const pilotDays = Math.max(1, (Date.parse(config.pilot.end) - Date.parse(config.pilot.start)) / 86_400_000);
  const obsPerDay = observations / month;
  const rollupsPerDay = (sensors + cams.length) * 288;
  const storageBytes =
    obsPerDay * config.retention.observationDays * OPS.observationItemBytes +
    rollupsPerDay * pilotDays * OPS.rollupItemBytes +
    ((frames.analysed + frames.capped) / month) * config.retention.frameDays * OPS.ledgerItemBytes;

  // S3: every frame stored for frameDays; change gating and Rekognition each read it once.
  const s3Puts = frames.uploaded;
  const s3Gets = frames.gated + frames.analysed;
  const s3StorageGb = ((frames.uploaded / month) * config.retention.frameDays * o.frameBytes) / 1e9;
  const accessLogGb = (((s3Puts + s3Gets) / month) * Math.max(90, config.retention.logDays) * OPS.s3AccessLogBytes) / 1e9;

  // SQS: S3 sends each notification; the poller receives and deletes per batch; idle long polls.
  const sqsRequests = cams.length ? frames.uploaded + 2 * analyzerBatches + OPS.sqsIdleRequestsPerMonth : 0;

  // Alerts.
  const alerts = incidents * (1 + o.escalationShare);
  const contacts = config.alerts.contacts;
  const emails = alerts * contacts.filter((c) => c.email).length;
  const sms = alerts * contacts.filter((c) => c.sms).length;

  // Logs: functions, API access logs.
  const deviceRequests = sensorRequests + frames.uploaded;
  const fnLogBytes = Object.values(fn).reduce((s, f) => s + f.logBytes, 0);
  const ingestedGb = (fnLogBytes + (deviceRequests + operatorRequests) * OPS.accessLogBytes) / 1e9;
  const storedGb = ingestedGb * OPS.logCompression * (config.retention.logDays / month);

  const modules = ['core', ...config.modules] as const;
  const customMetrics = modules.reduce((s, m) => s + CUSTOM_METRICS[m], 0);
  const kmsPairs = modules.reduce((s, m) => s + KMS_PAIRS[m], 0);

  return {
    cameras,
    frames,
    dailyCap,
    wantedPerDay,
    analysedPerDay,
    clipMinutes,
    sensorReadings,
    observations,
    stream: { records: observations, bytes: streamBytes, kbRoundedBytes, peakRecordsPerSecond, peakBytesPerSecond, shards },
    api: { deviceRequests, operatorRequests, peakDeviceRequestsPerSecond: (o.sensorPath === 'api' ? sensorsPerSecond / o.sensorReadingsPerRequest : 0) + framesPerSecondPeak },
    functions: fn,
    dynamodb: { wru, rru, storageGb: storageBytes / 1e9, rollupWrites, observationWrites, frameWru },
    s3: { puts: s3Puts, gets: s3Gets, storageGb: s3StorageGb, accessLogGb },
    sqsRequests,
    alerts: { incidents, alerts, emails, sms, publishes: alerts },
    logs: { ingestedGb, storedGb },
    alarms: alarmCount(config),
    customMetrics,
    kmsRequests: kmsPairs * OPS.kmsRequestsPerPairMonth + alerts * 2,
    traces: Object.values(fn).reduce((s, f) => s + f.traces, 0),
  };
}
