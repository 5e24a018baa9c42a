// The stack as a whole: tags on every resource, modules that add exactly their parts, provinces that differ only by config.
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

type Resource = { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown };
type TemplateJson = { Description?: string; Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

/** Tags of a resource as a map, whichever of the CloudFormation shapes it uses (list, map, UserPoolTags). */
function tagsOf(r: Resource): Record<string, string> | undefined {
  const raw = r.Properties?.Tags ?? r.Properties?.UserPoolTags;
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? Object.fromEntries(raw.map((t: { Key: string; Value: string }) => [t.Key, t.Value])) : (raw as Record<string, string>);
}

// Resource types CloudFormation cannot tag (or CDK does not tag) in this stack.
const UNTAGGABLE = new Set([
  'AWS::IAM::Policy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::Lambda::Permission',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolGroup',
  'AWS::CDK::Metadata',
]);

describe('ProvinceStack', () => {
  const hue = synthProvince('hue');
  const canTho = synthProvince('can-tho');
  const noSensors = synthProvince({ modules: ['crowd'], sensors: [] });

  it('describes itself with the province name', () => {
    expect(hue.template.toJSON().Description).toContain('Thành phố Huế');
    expect(canTho.template.toJSON().Description).toContain('Thành phố Cần Thơ');
  });

  it('tags every taggable resource with Province, Pilot and Module', () => {
    for (const [id, r] of Object.entries((hue.template.toJSON() as TemplateJson).Resources)) {
      if (UNTAGGABLE.has(r.Type)) continue;
      expect(tagsOf(r), `${id} (${r.Type})`).toMatchObject({
        Province: 'hue',
        Pilot: 'smartcity-pilot',
        Module: expect.stringMatching(/^(core|sensors|crowd)$/),
      });
    }
  });

  it('tags the device ingest path with the sensors module and the rest as core', () => {
    const resources = (hue.template.toJSON() as TemplateJson).Resources;
    const moduleOf = (logicalId: string) => tagsOf(resources[logicalId]!)?.Module;
    const id = (c: { node: { defaultChild?: unknown } }) => hue.stack.getLogicalId(c.node.defaultChild as never);
    expect(moduleOf(id(hue.stack.ingest.ingestFunction!.fn))).toBe('sensors');
    expect(moduleOf(id(hue.stack.ingest.producerRole!))).toBe('sensors');
    expect(moduleOf(id(hue.stack.ingest.deviceAuthorizer.fn))).toBe('core');
    expect(moduleOf(id(hue.stack.processor.fn.fn))).toBe('core');
    expect(moduleOf(id(hue.stack.ingest.stream))).toBe('core');
    const ingestAlarms = Object.values(resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties?.Dimensions).includes(id(hue.stack.ingest.ingestFunction!.fn)),
    );
    expect(ingestAlarms.map((a) => tagsOf(a)?.Module)).toEqual(['sensors', 'sensors']);
  });

  it('without the sensors module: no POST /events, no ingest function, no producer role, no sensor routes', () => {
    const { template, stack } = noSensors;
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(routeKeys).not.toContain('POST /events');
    expect(routeKeys.filter((k) => /sensors/.test(String(k)))).toEqual([]);
    expect(routeKeys).toContain('GET /observations');
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
    );
    expect(services.sort()).toEqual(['authorize-device', 'operator-api', 'process-stream', 'sweep']);
    const trustedByAccount = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(':root'),
    );
    expect(trustedByAccount).toEqual([]);
    expect(stack.ingest.ingestFunction).toBeUndefined();
    expect(stack.ingest.producerRole).toBeUndefined();
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(['ApiUrl', 'UserPoolClientId', 'UserPoolId']);
    // No route uses the device authorizer, so API Gateway gets no Lambda authorizer (and no invoke permission for it).
    expect(Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')).map((a) => a.Properties.AuthorizerType)).toEqual([
      'JWT',
    ]);
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(3 + 2 * 4);
  });

  it('hue and can-tho differ exactly where their configs differ', () => {
    // hue: sensors + crowd (crowd adds nothing yet), observations 180 days, email + SMS contact, not a sandbox.
    // can-tho: sensors, observations 90 days, one email contact, sandbox.
    const differences = templateDifferences(canTho.template.toJSON() as TemplateJson, hue.template.toJSON() as TemplateJson, [
      ['can-tho', 'hue'],
      ['cantho', 'hue'],
      ['Cần Thơ', 'Huế'],
    ]);
    const why = differences.map((d) => ({ ...d, why: explain(d) }));
    expect(why.filter((d) => d.why === undefined)).toEqual([]);
    expect(new Set(why.map((d) => d.why))).toEqual(
      new Set(['sandbox', 'retention.observationDays', 'alerts.contacts', 'modules', 'registry']),
    );
  });
});

interface Difference {
  readonly path: string;
  readonly type?: string;
}

/** Which config difference explains a template difference (undefined: nothing does, the test fails). */
function explain(d: Difference): string | undefined {
  if (/\.(DeletionPolicy|UpdateReplacePolicy)$/.test(d.path)) return 'sandbox';
  if (/\.Properties\.(DeletionProtectionEnabled|DeletionProtection|PendingWindowInDays)$/.test(d.path)) return 'sandbox';
  if (/\.Variables\.OBSERVATION_RETENTION_DAYS$/.test(d.path)) return 'retention.observationDays';
  if (d.type === 'AWS::SNS::Subscription') return 'alerts.contacts';
  if (d.path === 'Description') return 'modules';
  // The asset hash covers the bundling options, which carry the registry (zones, sensors, cameras, rules).
  if (/\.Properties\.Code\.S3Key$/.test(d.path)) return 'registry';
  return undefined;
}

/**
 * Paths at which two templates differ after renaming the first province to the second (`replacements`) and ignoring
 * the hashes in logical ids (they derive from construct paths, some of which include the stack name).
 */
function templateDifferences(a: TemplateJson, b: TemplateJson, replacements: Array<[string, string]>): Difference[] {
  let text = JSON.stringify(a);
  for (const [from, to] of replacements) text = text.split(from).join(to);
  const normalise = (t: TemplateJson) =>
    Object.fromEntries(Object.entries(t.Resources).map(([id, r]) => [id.replace(/[0-9A-F]{8}/g, ''), r]));
  const left = normalise(JSON.parse(text));
  const right = normalise(b);
  const out: Difference[] = [];
  const walk = (x: unknown, y: unknown, path: string, type?: string) => {
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`, type);
      return;
    }
    out.push({ path, type });
  };
  for (const id of new Set([...Object.keys(left), ...Object.keys(right)])) {
    walk(left[id], right[id], `Resources.${id}`, (left[id] ?? right[id])!.Type);
  }
  if (JSON.parse(text).Description !== b.Description) out.push({ path: 'Description' });
  walk(JSON.parse(text).Outputs, b.Outputs, 'Outputs');
  return out;
}
