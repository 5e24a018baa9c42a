// Reads a synthesized CloudFormation template: which resources the local province emulates, which it accepts without
// local effect (and why), and intrinsic-function resolution against the local resources.

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
}

/** The parts of a template the runner reads. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
}

/** Resource types the local province creates or runs, and how. */
export const EMULATED_TYPES: Readonly<Record<string, string>> = {
  'AWS::DynamoDB::Table': 'a moto table with the template keys, indexes and TTL',
  'AWS::Kinesis::Stream': 'a moto stream with the template shard count',
  'AWS::SQS::Queue': 'a moto queue with its redrive policy',
  'AWS::SNS::Topic': 'a moto topic',
  'AWS::SNS::Subscription': 'email/SMS: the terminal outbox; lambda: invoked; sqs: moto delivers',
  'AWS::S3::Bucket': 'a moto bucket with its event notifications',
  'AWS::Lambda::Function': 'its bundled asset in its own worker thread with the template environment',
  'AWS::Lambda::EventSourceMapping': 'a poller with the template batch size, window, retries and destination',
  'AWS::ApiGatewayV2::Api': 'a local HTTP server (payload format 2.0)',
  'AWS::ApiGatewayV2::Route': 'served with its route key',
  'AWS::ApiGatewayV2::Integration': 'Lambda proxy to the local function',
  'AWS::ApiGatewayV2::Authorizer': 'JWT (locally signed tokens) or Lambda REQUEST authorizer with its cache TTL',
  'AWS::ApiGatewayV2::Stage': 'the $default stage',
  'AWS::Events::Rule': 'a timer on the simulated clock for rate() schedules',
  'AWS::Cognito::UserPool': 'a local token issuer (operator, supervisor, admin tokens)',
  'AWS::Cognito::UserPoolClient': 'the audience of the local tokens',
  'AWS::KMS::Key': 'an id only: data is not encrypted locally',
  'AWS::IAM::Role': 'an ARN only (roles passed to services)',
};

/** Resource types accepted with no local effect, each with the reason. */
export const ACCEPTED_TYPES: Readonly<Record<string, string>> = {
  'AWS::IAM::Policy': 'permissions are not enforced locally',
  'AWS::SQS::QueuePolicy': 'resource policies are not enforced locally',
  'AWS::SNS::TopicPolicy': 'resource policies are not enforced locally',
  'AWS::S3::BucketPolicy': 'resource policies are not enforced locally',
  'AWS::Lambda::Permission': 'invoke permissions are not enforced locally',
  'AWS::Logs::LogGroup': 'function logs go to .local/logs/<function>.log',
  'AWS::CloudWatch::Alarm': 'no CloudWatch locally',
  'AWS::Cognito::UserPoolGroup': 'groups are claims of the local tokens',
  'AWS::Budgets::Budget': 'no billing locally',
  'AWS::CDK::Metadata': 'CDK bookkeeping',
  'AWS::KMS::Alias': 'no KMS locally',
  'AWS::CloudFront::Distribution': 'the console is served by the local HTTP server',
  'AWS::CloudFront::OriginAccessControl': 'the console is served by the local HTTP server',
  'AWS::CloudFront::ResponseHeadersPolicy': 'the console is served by the local HTTP server',
  'Custom::CDKBucketDeployment': 'the console is served from its build directory',
  'AWS::Cognito::UserPoolDomain': 'sign-in is the local sign-in screen',
};

/** Raised when a template holds a resource type the runner neither emulates nor accepts. */
export class UnknownResourceTypeError extends Error {
  constructor(readonly unknown: ReadonlyArray<{ logicalId: string; type: string }>) {
    super(
      `The local province cannot run resource type(s) it does not know: ${unknown
        .map((u) => `${u.type} (${u.logicalId})`)
        .join(', ')}. Teach local/template.ts and local/provision.ts about them.`,
    );
    this.name = 'UnknownResourceTypeError';
  }
}

/** Resources grouped by type; throws UnknownResourceTypeError naming every type that is neither emulated nor accepted. */
export function planTemplate(t: CfnTemplate): Map<string, Array<[string, CfnResource]>> {
  const byType = new Map<string, Array<[string, CfnResource]>>();
  const unknown: Array<{ logicalId: string; type: string }> = [];
  for (const [logicalId, r] of Object.entries(t.Resources ?? {})) {
    if (!(r.Type in EMULATED_TYPES) && !(r.Type in ACCEPTED_TYPES)) unknown.push({ logicalId, type: r.Type });
    const list = byType.get(r.Type) ?? [];
    list.push([logicalId, r]);
    byType.set(r.Type, list);
  }
  if (unknown.length > 0) throw new UnknownResourceTypeError(unknown);
  return byType;
}

/** What `Ref` and `Fn::GetAtt` mean for the local resources. */
export interface ResolveContext {
  readonly refs: Readonly<Record<string, string>>;
  readonly attrs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly pseudo: { AccountId: string; Region: string; Partition: string; URLSuffix: string; StackName: string; StackId: string };
  readonly conditions?: Readonly<Record<string, unknown>>;
}

/** The marker `{ Ref: AWS::NoValue }` resolves to; removed from objects and arrays. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Raised for an intrinsic the runner cannot resolve, naming it and where it was. */
export class IntrinsicError extends Error {
  override readonly name = 'IntrinsicError';
}

/** Resolves every intrinsic function in `value` (deeply) against `ctx`. */
export function resolve(value: unknown, ctx: ResolveContext, where = '$'): unknown {
  const out = resolveInner(value, ctx, where);
  return out === NO_VALUE ? undefined : out;
}

function resolveInner(value: unknown, ctx: ResolveContext, where: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveInner(v, ctx, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition')) {
    return intrinsic(keys[0]!, v[keys[0]!], ctx, where);
  }
  const obj: Record<string, unknown> = {};
  for (const k of keys) {
    const r = resolveInner(v[k], ctx, `${where}.${k}`);
    if (r !== NO_VALUE) obj[k] = r;
  }
  return obj;
}

function str(x: unknown, where: string): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  throw new IntrinsicError(`${where}: expected a string, got ${JSON.stringify(x)}`);
}

function ref(name: string, ctx: ResolveContext, where: string): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name.startsWith('AWS::')) {
    const p = (ctx.pseudo as Record<string, string>)[name.slice(5)];
    if (p === undefined) throw new IntrinsicError(`${where}: unknown pseudo parameter ${name}`);
    return p;
  }
  const r = ctx.refs[name];
  if (r === undefined) throw new IntrinsicError(`${where}: Ref to ${name}, which the local province has no value for`);
  return r;
}

function getAtt(logicalId: string, attr: string, ctx: ResolveContext, where: string): string {
  const a = ctx.attrs[logicalId]?.[attr];
  if (a === undefined) throw new IntrinsicError(`${where}: Fn::GetAtt ${logicalId}.${attr} has no local value`);
  return a;
}

function intrinsic(fn: string, arg: unknown, ctx: ResolveContext, where: string): unknown {
  const at = `${where} (${fn})`;
  switch (fn) {
    case 'Ref':
      return ref(str(arg, at), ctx, at);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg : str(arg, at).split(/\.(.*)/);
      return getAtt(str(id, at), str(attr, at), ctx, at);
    }
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown[]];
      const list = resolveInner(parts, ctx, at);
      if (!Array.isArray(list)) throw new IntrinsicError(`${at}: expected a list`);
      return list.map((p) => str(p, at)).join(sep);
    }
    case 'Fn::Sub': {
      const [template, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [str(arg, at), {}];
      const local = (resolveInner(vars, ctx, at) ?? {}) as Record<string, unknown>;
      return template.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        if (name in local) return str(local[name], at);
        if (name.includes('.')) {
          const [id, attr] = name.split(/\.(.*)/);
          return getAtt(id!, attr!, ctx, at);
        }
        return str(ref(name, ctx, at), at);
      }).replace(/\$\{!/g, '${');
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = resolveInner(list, ctx, at);
      const i = Number(resolveInner(index, ctx, at));
      if (!Array.isArray(items) || !(i in items)) throw new IntrinsicError(`${at}: index ${i} out of range`);
      return items[i];
    }
    case 'Fn::Split': {
      const [sep, source] = arg as [string, unknown];
      return str(resolveInner(source, ctx, at), at).split(sep);
    }
    case 'Fn::Base64':
      return Buffer.from(str(resolveInner(arg, ctx, at), at), 'utf8').toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((s) => `${ctx.pseudo.Region}${s}`);
    case 'Fn::If': {
      const [cond, yes, no] = arg as [string, unknown, unknown];
      return resolveInner(condition(cond, ctx, at) ? yes : no, ctx, at);
    }
    case 'Condition':
      return condition(str(arg, at), ctx, at);
    case 'Fn::Equals': {
      const [a, b] = (arg as unknown[]).map((x) => resolveInner(x, ctx, at));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !resolveInner((arg as unknown[])[0], ctx, at);
    case 'Fn::And':
      return (arg as unknown[]).every((x) => resolveInner(x, ctx, at) === true);
    case 'Fn::Or':
      return (arg as unknown[]).some((x) => resolveInner(x, ctx, at) === true);
    default:
      throw new IntrinsicError(`${at}: intrinsic function ${fn} is not supported locally`);
  }
}

function condition(name: string, ctx: ResolveContext, where: string): boolean {
  const c = ctx.conditions?.[name];
  if (c === undefined) throw new IntrinsicError(`${where}: unknown condition ${name}`);
  return resolveInner(c, ctx, `${where}.Conditions.${name}`) === true;
}
