// The stack as a whole: tags on every resource, modules that add exactly their parts, provinces that differ only by config.
import { Aspects, CfnResource, Names, Tag, TagManager } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CAMERA_DEVICE_ROUTES, routeKey } from '../../lambdas/operator-api/api-spec.ts';
import type { ProvinceStack } from '../../lib/province-stack.ts';
import { cfnText, logicalIdOf, provinceFunctions, synthProvince } from '../helpers/synth.ts';

type Resource = { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown };
type TemplateJson = { Description?: string; Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

/** Tags of a resource as a map, whichever of the CloudFormation shapes it uses (list, map, UserPoolTags). */
function tagsOf(r: Resource): Record<string, string> | undefined {
  const raw = r.Properties?.Tags ?? r.Properties?.UserPoolTags ?? r.Properties?.ResourceTags;
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? Object.fromEntries(raw.map((t: { Key: string; Value: string }) => [t.Key, t.Value])) : (raw as Record<string, string>);
}

// Resource types CloudFormation cannot tag (no Tags property) in this stack; a test below checks each against CDK's L1.
const UNTAGGABLE = new Set([
  'AWS::IAM::Policy',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::Lambda::Permission',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolDomain',
  'AWS::CloudFront::ResponseHeadersPolicy',
  'AWS::CloudFront::OriginAccessControl',
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

  it('excludes from the tag check only resource types CloudFormation cannot tag', () => {
    // CDK's L1 classes come from the CloudFormation resource specification: a type with a Tags property is taggable.
    for (const { stack } of [hue, noSensors]) {
      for (const c of stack.node.findAll().filter((x): x is CfnResource => x instanceof CfnResource)) {
        const taggable = TagManager.isTaggable(c) || TagManager.isTaggableV2(c);
        expect(taggable, `${c.node.path} (${c.cfnResourceType})`).toBe(!UNTAGGABLE.has(c.cfnResourceType));
      }
    }
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

  it('tags the device ingest path with the sensors module, the camera parts with crowd and the rest as core', () => {
    const resources = (hue.template.toJSON() as TemplateJson).Resources;
    const moduleOf = (logicalId: string) => tagsOf(resources[logicalId]!)?.Module;
    const id = (c: IConstruct) => logicalIdOf(hue.stack, c);
    const alarmsOn = (fnId: string) =>
      Object.values(resources).filter(
        (r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties?.Dimensions ?? null).includes(fnId),
      );
    expect(moduleOf(id(hue.stack.ingest.ingestFunction!.fn))).toBe('sensors');
    expect(moduleOf(id(hue.stack.ingest.producerRole!))).toBe('sensors');
    expect(moduleOf(id(hue.stack.ingest.deviceAuthorizer.fn))).toBe('core');
    expect(moduleOf(id(hue.stack.processor.fn.fn))).toBe('core');
    expect(moduleOf(id(hue.stack.api.operatorFunction.fn))).toBe('core');
    expect(moduleOf(id(hue.stack.ingest.stream))).toBe('core');
    expect(alarmsOn(id(hue.stack.ingest.ingestFunction!.fn)).map((a) => tagsOf(a)?.Module)).toEqual(['sensors', 'sensors']);
    const vision = hue.stack.vision!;
    for (const c of [vision.bucket, vision.accessLogs, vision.framesQueue, vision.framesDlq, vision.clipTopic, vision.clipRole]) {
      expect(moduleOf(id(c)), c.node.path).toBe('crowd');
    }
    for (const f of vision.functions) {
      expect(moduleOf(id(f.fn)), f.name).toBe('crowd');
      expect(alarmsOn(id(f.fn)).map((a) => tagsOf(a)?.Module), f.name).toEqual(['crowd', 'crowd']);
    }
    for (const alarm of vision.alarms) expect(moduleOf(id(alarm)), alarm.node.path).toBe('crowd');
    // The console's hosting is core: every province has it, whatever its modules.
    for (const c of [hue.stack.console.bucket, hue.stack.console.logs, hue.stack.console.distribution]) {
      expect(moduleOf(id(c)), c.node.path).toBe('core');
    }
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
    const crowdFunctions = stack.vision!.functions.map((f) => f.name);
    expect(services.sort()).toEqual(['authorize-device', 'operator-api', 'process-stream', 'sweep', ...crowdFunctions].sort());
    expect(provinceFunctions(stack).map((f) => f.name).sort()).toEqual(services);
    const trustedByAccount = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(':root'),
    );
    expect(trustedByAccount).toEqual([]);
    expect(stack.ingest.ingestFunction).toBeUndefined();
    expect(stack.ingest.producerRole).toBeUndefined();
    // The API's and the console's outputs; no StreamName or ProducerRoleArn.
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      ['ApiUrl', 'UserPoolClientId', 'UserPoolId', 'ConsoleUrl', 'ConsoleBucket', 'ConsoleDistributionId', 'CognitoDomain'].sort(),
    );
    // Only the cameras' upload route uses the device authorizer (a Lambda authorizer exists because of it).
    expect(Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')).map((a) => a.Properties.AuthorizerType).sort()).toEqual([
      'JWT',
      'REQUEST',
    ]);
    const deviceRouteKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter((r) => r.Properties.AuthorizationType === 'CUSTOM')
      .map((r) => r.Properties.RouteKey);
    expect(deviceRouteKeys).toEqual(CAMERA_DEVICE_ROUTES.map(routeKey));
    // The core alarms, errors and throttles of each function (no ingest-events), and the crowd module's own.
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(
      3 + 2 * provinceFunctions(stack).length + stack.vision!.alarms.length,
    );
  });

  it('hue and can-tho differ exactly where their configs differ', () => {
    // hue: sensors + crowd, observations 180 days, email + SMS contact, not a sandbox.
    // can-tho: sensors, observations 90 days, one email contact, sandbox.
    // Both: the console's hosting, whose generated names carry the stack name (hence the code).
    const differences = templateDifferences(canTho.template.toJSON() as TemplateJson, hue.template.toJSON() as TemplateJson, [
      ['can-tho', 'hue'],
      ['cantho', 'hue'],
      ['Cần Thơ', 'Huế'],
    ]);
    const crowd = crowdWiring(hue.stack);
    const why = differences.map((d) => ({ ...d, why: explain(d, crowd) }));
    expect(why.filter((d) => d.why === undefined)).toEqual([]);
    expect(new Set(why.map((d) => d.why))).toEqual(
      new Set(['sandbox', 'retention.observationDays', 'alerts.contacts', 'modules', 'registry', 'budget.monthlyUsd', 'code']),
    );
    // The crowd module is the bulk of the difference: every part of it is there, none of it in can-tho.
    const added = new Set(why.filter((d) => d.added && d.why === 'modules').map((d) => d.id));
    for (const id of crowd.crowdIds) expect(added, id).toContain(id);
    expect(canTho.stack.vision).toBeUndefined();
  });
});

/** What the crowd module of `stack` adds: its resources (by the Module tag on their construct) and its wiring into the core. */
interface CrowdWiring {
  /** Logical ids of the resources whose construct, or an ancestor, is tagged Module=crowd (untaggable types included). */
  readonly crowdIds: Set<string>;
  readonly operatorFunctionId: string;
  readonly dailyCap: string;
  /** The console's CSP lets it show frames: `https://${<frames bucket>.RegionalDomainName}` in img-src. */
  readonly frameImages: string;
  /** The start of the names CDK generates from construct paths (they begin with the stack name). */
  readonly namePrefix: string;
}

function crowdWiring(stack: ProvinceStack): CrowdWiring {
  const moduleOf = (c: IConstruct): string | undefined => {
    for (const scope of [...c.node.scopes].reverse()) {
      const tag = Aspects.of(scope).all.find((a): a is Tag => a instanceof Tag && a.key === 'Module');
      if (tag) return tag.value;
    }
    return undefined;
  };
  const resources = stack.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
  return {
    crowdIds: new Set(resources.filter((c) => moduleOf(c) === 'crowd').map((c) => stack.getLogicalId(c))),
    operatorFunctionId: logicalIdOf(stack, stack.api.operatorFunction.fn),
    dailyCap: String(stack.vision!.dailyCap),
    frameImages: `https://\${${logicalIdOf(stack, stack.vision!.bucket)}.RegionalDomainName}`,
    namePrefix: Names.uniqueId(stack),
  };
}

interface Difference {
  readonly path: string;
  readonly type?: string;
  /** The logical id in the second template (hashes included). */
  readonly id?: string;
  /** Present only in the second template. */
  readonly added?: boolean;
  /** The value in the second template. */
  readonly value?: unknown;
  /** The value in the first template (after the renaming). */
  readonly before?: unknown;
}

/** Which config difference explains a template difference (undefined: nothing does, the test fails). */
function explain(d: Difference, crowd: CrowdWiring): string | undefined {
  if (/\.(DeletionPolicy|UpdateReplacePolicy)$/.test(d.path)) return 'sandbox';
  if (/\.Properties\.(DeletionProtectionEnabled|DeletionProtection|PendingWindowInDays)$/.test(d.path)) return 'sandbox';
  if (/\.Variables\.OBSERVATION_RETENTION_DAYS$/.test(d.path)) return 'retention.observationDays';
  if (d.type === 'AWS::SNS::Subscription' && !(d.id && crowd.crowdIds.has(d.id))) return 'alerts.contacts';
  if (d.path === 'Description') return 'modules';
  if (d.type === 'AWS::Budgets::Budget' && d.path.endsWith('.BudgetLimit.Amount')) return 'budget.monthlyUsd';
  if (d.type === 'AWS::Budgets::Budget' && /\.Subscribers\.\d+(\.Address)?$/.test(d.path)) return 'alerts.contacts';
  if (d.type === 'AWS::Budgets::Budget' && d.path.endsWith('.CostFilters.TagKeyValue.0')) return 'code';
  // The asset hash covers the bundling options, which carry the registry (zones, sensors, cameras, rules).
  if (/\.Properties\.Code\.S3Key$/.test(d.path)) return 'registry';
  if (generatedName(d, crowd.namePrefix)) return 'code';
  if (cspShowsFrames(d, crowd)) return 'modules';
  if (d.added && crowdPart(d, crowd)) return 'modules';
  return undefined;
}

/**
 * Whether a difference is a name CDK generated from the construct path (CloudFront policy, origin access control and
 * origin ids): it starts with the stack name, hence differs by province code, and ends with a hash of the path.
 */
function generatedName(d: Difference, prefix: string): boolean {
  const generated = new RegExp(`^${prefix}[A-Za-z0-9]+[0-9A-F]{8}$`);
  return /\.(Name|Id|TargetOriginId)$/.test(d.path) && [d.before, d.value].every((v) => typeof v === 'string' && generated.test(v));
}

/** Whether a difference is the crowd module in the console's CSP: the same directives, the frames bucket added to img-src. */
function cspShowsFrames(d: Difference, crowd: CrowdWiring): boolean {
  if (d.type !== 'AWS::CloudFront::ResponseHeadersPolicy' || !d.path.endsWith('.ContentSecurityPolicy.ContentSecurityPolicy')) return false;
  const directives = (csp: unknown) => new Map(String(csp).split('; ').map((x) => [x.split(' ')[0]!, x.split(' ').slice(1)]));
  const [before, after] = [directives(d.before), directives(d.value)];
  before.set('img-src', [...(before.get('img-src') ?? []), crowd.frameImages]);
  return JSON.stringify([...before].sort()) === JSON.stringify([...after].sort());
}

/** Whether an addition is the crowd module: one of its resources, or its wiring into a core resource. */
function crowdPart(d: Difference, crowd: CrowdWiring): boolean {
  // A whole resource of the module (its routes, integrations and permissions included).
  if (d.path.split('.').length === 2) return d.id !== undefined && crowd.crowdIds.has(d.id);
  const refersToCrowd = [...crowd.crowdIds].some((id) => JSON.stringify(d.value).includes(`"${id}"`));
  // S3 may use the province key to deliver frame notifications to the encrypted frames queue.
  if (d.type === 'AWS::KMS::Key' && /\.KeyPolicy\.Statement\.\d+$/.test(d.path)) {
    return (d.value as { Principal?: { Service?: string } }).Principal?.Service === 's3.amazonaws.com';
  }
  // The operator router reads the latest frame (GET /cameras/{id}) and the day's usage against the cap.
  if (d.id === crowd.operatorFunctionId) {
    if (d.path.endsWith('.Variables.FRAMES_BUCKET')) return refersToCrowd;
    if (d.path.endsWith('.Variables.REKOGNITION_DAILY_CAP')) return d.value === crowd.dailyCap;
    return false;
  }
  // A statement added to a core policy (the operator router's read of frames/*) must name a crowd resource.
  return d.type === 'AWS::IAM::Policy' && /\.PolicyDocument\.Statement\.\d+$/.test(d.path) && refersToCrowd;
}

/**
 * Paths at which two templates differ after renaming the first province to the second (`replacements`) and ignoring
 * the hashes in logical ids (they derive from construct paths, some of which include the stack name). A CSP (built
 * with Fn::Join) is compared as one text, so a source added to a directive is one difference, not a shifted list.
 */
function templateDifferences(a: TemplateJson, b: TemplateJson, replacements: Array<[string, string]>): Difference[] {
  let text = JSON.stringify(a);
  for (const [from, to] of replacements) text = text.split(from).join(to);
  const normal = (id: string) => id.replace(/[0-9A-F]{8}/g, '');
  const cspAsText = (r: Resource): Resource => {
    if (r.Type !== 'AWS::CloudFront::ResponseHeadersPolicy') return r;
    const copy = structuredClone(r) as Resource & {
      Properties: { ResponseHeadersPolicyConfig: { SecurityHeadersConfig?: { ContentSecurityPolicy?: { ContentSecurityPolicy: unknown } } } };
    };
    const csp = copy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig?.ContentSecurityPolicy;
    if (csp) csp.ContentSecurityPolicy = cfnText(csp.ContentSecurityPolicy);
    return copy;
  };
  const normalise = (t: TemplateJson) => Object.fromEntries(Object.entries(t.Resources).map(([id, r]) => [normal(id), cspAsText(r)]));
  const left = normalise(JSON.parse(text));
  const right = normalise(b);
  const realIds = new Map(Object.keys(b.Resources).map((id) => [normal(id), id]));
  const out: Difference[] = [];
  const walk = (x: unknown, y: unknown, path: string, type?: string, id?: string) => {
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`, type, id);
      return;
    }
    out.push({ path, type, id, added: x === undefined, value: y, before: x });
  };
  for (const id of new Set([...Object.keys(left), ...Object.keys(right)])) {
    walk(left[id], right[id], `Resources.${id}`, (left[id] ?? right[id])!.Type, realIds.get(id));
  }
  if (JSON.parse(text).Description !== b.Description) out.push({ path: 'Description' });
  walk(JSON.parse(text).Outputs, b.Outputs, 'Outputs');
  return out;
}
