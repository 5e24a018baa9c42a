// Synthesizes a ProvinceStack for CDK assertion tests: bundling skipped, cdk.json feature flags applied, no AWS account.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadProvinceConfig, parseProvinceConfig } from '../../lib/config/load.ts';
import type { ProvinceConfig, ProvinceConfigInput } from '../../lib/config/schema.ts';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT, type ProvinceFunction } from '../../lib/constructs/province-function.ts';
import { ProvinceStack } from '../../lib/province-stack.ts';

/** The province every override is applied to: the richest pilot config (both modules, sensors, cameras, rules). */
export const BASE_PROVINCE = 'da-nang';

/** What to synthesize: a province code (`hue`), a path to a config file, or overrides of the base province. */
export type ProvinceSource = string | Partial<ProvinceConfigInput>;

/** Options of {@link synthProvince}. */
export interface SynthOptions {
  /** Bundle the functions with esbuild (slow; one test only). @default false */
  readonly bundle?: boolean;
  /** Register cdk-nag AwsSolutions checks as bin/app.ts does. @default false */
  readonly nag?: boolean;
}

/** A synthesized province. */
export interface SynthResult {
  readonly app: App;
  readonly stack: ProvinceStack;
  readonly template: Template;
  readonly config: ProvinceConfig;
}

const cdkJsonContext: Record<string, unknown> = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;

/** The validated config for `source`: a code or file is loaded as is; overrides replace top-level keys of the base. */
export function provinceConfig(source: ProvinceSource): ProvinceConfig {
  if (typeof source === 'string') {
    const file = source.endsWith('.json') ? source : join(PROJECT_ROOT, 'provinces', `${source}.json`);
    return loadProvinceConfig(file);
  }
  const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'provinces', `${BASE_PROVINCE}.json`), 'utf8'));
  return parseProvinceConfig({ ...base, ...source }, `${BASE_PROVINCE}.json + overrides`);
}

// Synthesized provinces of this test file (each file runs in its own process), keyed by source; see synthProvince.
const synthesized = new Map<string, SynthResult>();

/**
 * Builds an App (cdk.json context, bundling skipped unless asked) with one ProvinceStack and returns its template.
 * Without options the result is shared by every call with the same source in the test file (a synth costs seconds),
 * so treat its stack as read-only: to change a stack before synthesizing, use {@link buildProvince}.
 */
export function synthProvince(source: ProvinceSource, options: SynthOptions = {}): SynthResult {
  const key = options.bundle || options.nag ? undefined : JSON.stringify(source);
  const cached = key === undefined ? undefined : synthesized.get(key);
  if (cached) return cached;
  const built = buildProvince(source, options);
  const result = { ...built, template: Template.fromStack(built.stack) };
  if (key !== undefined) synthesized.set(key, result);
  return result;
}

/** Builds the App and stack without synthesizing (for tests that call `app.synth()` themselves). */
export function buildProvince(source: ProvinceSource, options: SynthOptions = {}): Omit<SynthResult, 'template'> {
  const config = provinceConfig(source);
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: { ...cdkJsonContext, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stack = new ProvinceStack(app, `SmartCity-${config.code}`, {
    config,
    env: { account: config.account, region: config.region },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, config };
}

/**
 * Every house function of a province, read from the stack's public parts: the core ones, ingest-events with the
 * sensors module, and the crowd module's. Tests derive counts from this list instead of hard-coding them.
 */
export function provinceFunctions(stack: ProvinceStack): ProvinceFunction[] {
  return [
    stack.ingest.deviceAuthorizer,
    ...(stack.ingest.ingestFunction ? [stack.ingest.ingestFunction] : []),
    stack.processor.fn,
    stack.api.operatorFunction,
    stack.alerts.sweep,
    ...(stack.vision?.functions ?? []),
  ];
}

/** The logical id of a construct's CloudFormation resource (its default child, or itself when it is one). */
export function logicalIdOf(stack: ProvinceStack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

/**
 * A CloudFormation string value as readable text: `Fn::Join` concatenated, `Ref` as `${Id}` and `Fn::GetAtt` as
 * `${Id.Attr}` (the `Fn::Sub` notation), so tests can assert on a URL, an ARN or a CSP built from tokens.
 */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if ('Ref' in o) return `\${${String(o.Ref)}}`;
    if ('Fn::GetAtt' in o) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in o) {
      const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(cfnText).join(separator);
    }
  }
  throw new Error(`not a CloudFormation string value: ${JSON.stringify(value)}`);
}
