// The province config schema: one zod schema documents, validates and types every `provinces/<code>.json`.
import { z } from 'zod';
import units from './units-vn-2025.json' with { type: 'json' };

/** The 34 provincial-level units in force since 2025-07-01 (Resolution 202/2025/QH15). */
export const UNITS: ReadonlyArray<{ code: string; name: string; kind: string }> = units.units;

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2-63 characters');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time "HH:mm" (24-hour)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date "YYYY-MM-DD"');
const title = z
  .strictObject({
    vi: z.string().min(1).describe('Vietnamese text (shown first)'),
    en: z.string().min(1).describe('English text'),
  })
  .describe('User-facing text in Vietnamese and English');

/** Sensor kinds the pilot knows, with their canonical unit. */
export const SENSOR_KINDS = {
  pm25: 'µg/m³',
  pm10: 'µg/m³',
  water_level: 'm',
  rainfall: 'mm',
  temperature: '°C',
  humidity: '%',
  noise: 'dB',
} as const;
export type SensorKind = keyof typeof SENSOR_KINDS;
const sensorKind = z.enum(Object.keys(SENSOR_KINDS) as [SensorKind, ...SensorKind[]]);

/** Modules a province can switch on; a module left out creates no resource, permission or cost. */
export const MODULES = ['sensors', 'crowd'] as const;
export type ModuleName = (typeof MODULES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const severity = z.enum(SEVERITIES);

const window = z
  .strictObject({ from: hhmm, to: hhmm })
  .describe('Local-time window in the province timezone; may cross midnight (22:00-05:00)');
const sustain = z
  .strictObject({
    observations: z.int().min(1).max(1000).optional().describe('consecutive matching observations'),
    minutes: z.number().positive().max(1440).optional().describe('minutes the condition must hold'),
  })
  .describe('How long the condition must hold before an incident opens (either or both)');

const ruleCommon = {
  id,
  title,
  severity: severity.default('medium'),
  enabled: z.boolean().default(true),
  cooldownMinutes: z.number().min(0).max(1440).default(30).describe('after resolution, no new incident for this long'),
  ackWithinMinutes: z
    .number()
    .positive()
    .max(1440)
    .default(15)
    .describe('an open incident not acknowledged within this time is escalated'),
  autoResolveAfterMinutes: z
    .number()
    .positive()
    .max(1440)
    .default(20)
    .describe('an incident whose condition has been clear this long is resolved automatically'),
};

const crowdRule = z.strictObject({
  ...ruleCommon,
  kind: z.literal('crowd'),
  zone: id.describe('zone id the rule watches'),
  minPeople: z.int().min(1).max(10000).describe('people counted in the zone at or above which the rule matches'),
  window: window.optional().describe('only match inside this local-time window; absent: all day'),
  sustain: sustain.default({ observations: 2 }),
});
const thresholdRule = z.strictObject({
  ...ruleCommon,
  kind: z.literal('threshold'),
  sensorKind: sensorKind.optional().describe('every sensor of this kind (or give source)'),
  source: id.optional().describe('one sensor id (or give sensorKind)'),
  zone: id.optional().describe('restrict to one zone'),
  op: z.enum(['>', '>=', '<', '<=']),
  value: z.number().describe('threshold in the sensor kind unit'),
  window: window.optional(),
  sustain: sustain.default({ observations: 1 }),
});
const staleRule = z.strictObject({
  ...ruleCommon,
  kind: z.literal('stale'),
  source: id.optional().describe('one source id; absent: every sensor and camera'),
  afterMinutes: z.number().positive().max(10080).describe('no observation for this long opens an incident'),
});

/** A rule: crowd (people in a zone), threshold (a sensor value) or stale (a source gone dark). */
export const ruleSchema = z.discriminatedUnion('kind', [crowdRule, thresholdRule, staleRule]);
export type Rule = z.infer<typeof ruleSchema>;

const point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

export const cameraSchema = z.strictObject({
  id,
  zone: id,
  name: z.string().min(1),
  location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  roi: z
    .array(point)
    .min(3)
    .default([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ])
    .describe('region of interest: polygon in normalized frame coordinates [x, y], 0..1'),
  intervalSeconds: z.int().min(1).max(3600).default(10).describe('seconds between analysed frames at full rate'),
  activeHours: window.optional().describe('local hours in which frames are analysed; absent: always'),
  minConfidence: z.number().min(50).max(100).default(80).describe('DetectLabels MinConfidence for Person'),
  guards: z
    .strictObject({
      activeHours: z.boolean().default(true),
      changeGating: z.boolean().default(true),
      adaptiveSampling: z.boolean().default(true),
    })
    .default({ activeHours: true, changeGating: true, adaptiveSampling: true })
    .describe('cost guards, each switchable per camera'),
});
export type Camera = z.infer<typeof cameraSchema>;

export const sensorSchema = z.strictObject({
  id,
  kind: sensorKind,
  unit: z.string().optional().describe('defaults to the kind canonical unit'),
  zone: id,
  name: z.string().optional(),
});

const contact = z
  .strictObject({
    name: z.string().min(1),
    email: z.email().optional(),
    sms: z
      .string()
      .regex(/^\+[1-9]\d{7,14}$/, 'an E.164 phone number such as +84905123456')
      .optional(),
  })
  .refine((c) => c.email || c.sms, { message: 'a contact needs an email or an sms number' });

export const provinceSchema = z
  .strictObject({
    $schema: z.string().optional(),
    code: z.string().describe('unit code from the 2025 list, e.g. "da-nang"'),
    name: z.string().min(1).describe('official Vietnamese name, e.g. "Thành phố Đà Nẵng"'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional()
      .describe('AWS account to deploy to; absent: the CLI credentials decide'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-southeast-1').default('ap-southeast-1'),
    timezone: z
      .string()
      .refine(isTimeZone, 'an IANA timezone such as Asia/Ho_Chi_Minh')
      .default('Asia/Ho_Chi_Minh'),
    modules: z
      .array(z.enum(MODULES))
      .min(1)
      .refine((m) => new Set(m).size === m.length, 'each module once')
      .describe('modules switched on: sensors (IoT sensors via POST /events), crowd (camera people counting)'),
    zones: z
      .array(z.strictObject({ id, name: z.string().min(1), nameEn: z.string().optional() }))
      .min(1)
      .describe('areas the operations centre watches'),
    sensors: z.array(sensorSchema).default([]),
    cameras: z.array(cameraSchema).default([]),
    rules: z.array(ruleSchema).default([]),
    alerts: z
      .strictObject({
        contacts: z.array(contact).default([]),
        consoleUrl: z.url().optional().describe('base URL of the links in alerts, ending in /# (the console uses hash routes), e.g. https://ioc.danang.example.vn/#; absent: the stack\'s own console'),
      })
      .default({ contacts: [] }),
    retention: z
      .strictObject({
        observationDays: z.int().min(1).max(3650).default(90).describe('raw observations expire (TTL) after this'),
        frameDays: z.int().min(1).max(365).default(7).describe('camera frames expire after this'),
        logDays: z.int().min(1).max(3653).default(30).describe('CloudWatch log retention'),
      })
      .default({ observationDays: 90, frameDays: 7, logDays: 30 }),
    pilot: z.strictObject({ start: isoDate, end: isoDate }).describe('pilot period; rollups are kept for all of it'),
    budget: z.strictObject({
      monthlyUsd: z.number().positive().describe('monthly budget in USD'),
      rekognitionDailyCap: z.int().min(0).optional().describe('daily DetectLabels cap; absent: derived from budget'),
    }),
    stream: z
      .strictObject({
        capacityMode: z
          .enum(['provisioned', 'on-demand'])
          .default('provisioned')
          .describe(
            'provisioned: one shard is about 3x cheaper than on-demand at pilot volumes (1 MB/s, 1,000 records/s per shard)',
          ),
        shards: z.int().min(1).max(64).default(1).describe('shard count when provisioned'),
      })
      .default({ capacityMode: 'provisioned', shards: 1 }),
    api: z
      .strictObject({
        rateLimit: z.number().positive().default(50).describe('steady requests per second per route'),
        burstLimit: z.int().positive().default(100),
      })
      .default({ rateLimit: 50, burstLimit: 100 }),
    sandbox: z
      .boolean()
      .default(false)
      .describe('a throw-away stack: stateful resources are destroyed with it, no deletion protection'),
  })
  .superRefine((c, ctx) => {
    const unit = UNITS.find((u) => u.code === c.code);
    if (!unit) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: `one of the 34 unit codes (e.g. da-nang, hue), got "${c.code}"` });
    } else if (unit.name !== c.name) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `"${unit.name}" for ${c.code}, got "${c.name}"` });
    }
    if (c.pilot.end <= c.pilot.start) {
      ctx.addIssue({ code: 'custom', path: ['pilot', 'end'], message: 'a date after pilot.start' });
    }
    const zoneIds = new Set(c.zones.map((z) => z.id));
    const needZone = (zone: string | undefined, path: (string | number)[]) => {
      if (zone !== undefined && !zoneIds.has(zone)) {
        ctx.addIssue({ code: 'custom', path, message: `a zone id declared in zones (${[...zoneIds].join(', ')}), got "${zone}"` });
      }
    };
    const seen = new Map<string, string>();
    const unique = (kind: string, value: string, path: (string | number)[]) => {
      const before = seen.get(`${kind}:${value}`);
      if (before) ctx.addIssue({ code: 'custom', path, message: `a unique ${kind} id, "${value}" is already used at ${before}` });
      else seen.set(`${kind}:${value}`, jsonPath(path));
    };
    c.zones.forEach((z, i) => unique('zone', z.id, ['zones', i, 'id']));
    c.sensors.forEach((s, i) => {
      unique('source', s.id, ['sensors', i, 'id']);
      needZone(s.zone, ['sensors', i, 'zone']);
    });
    c.cameras.forEach((cam, i) => {
      unique('source', cam.id, ['cameras', i, 'id']);
      needZone(cam.zone, ['cameras', i, 'zone']);
    });
    const sources = new Set([...c.sensors.map((s) => s.id), ...c.cameras.map((x) => x.id)]);
    c.rules.forEach((r, i) => {
      unique('rule', r.id, ['rules', i, 'id']);
      if (r.kind === 'crowd') needZone(r.zone, ['rules', i, 'zone']);
      if (r.kind === 'threshold') {
        needZone(r.zone, ['rules', i, 'zone']);
        if (!r.source === !r.sensorKind) {
          ctx.addIssue({ code: 'custom', path: ['rules', i], message: 'exactly one of "source" or "sensorKind"' });
        }
      }
      if ((r.kind === 'threshold' || r.kind === 'stale') && r.source && !sources.has(r.source)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'source'], message: `a sensor or camera id, got "${r.source}"` });
      }
    });
    const on = new Set(c.modules);
    if (!on.has('sensors') && c.sensors.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['sensors'], message: 'no sensors unless the "sensors" module is on' });
    }
    if (!on.has('crowd') && c.cameras.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['cameras'], message: 'no cameras unless the "crowd" module is on' });
    }
  });

/** A validated province config with every default applied. */
export type ProvinceConfig = z.infer<typeof provinceSchema>;
/** A province config as written in the file (defaults not yet applied). */
export type ProvinceConfigInput = z.input<typeof provinceSchema>;

/** `$.sensors[2].zone` for a zod issue path. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${String(p)}`), '$');
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The unit of a sensor: its own, or its kind's canonical one. */
export const sensorUnit = (s: { kind: SensorKind; unit?: string }): string => s.unit ?? SENSOR_KINDS[s.kind];
