// The house function: runtime, architecture, limits, environment, its own encrypted log group and role.
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { ProvinceFunction, retentionDaysAtLeast } from '../../lib/constructs/province-function.ts';
import { provinceConfig, provinceFunctions, synthProvince } from '../helpers/synth.ts';

describe('ProvinceFunction', () => {
  const { template, stack } = synthProvince('hue');
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const houseFunctions = provinceFunctions(stack);

  it('runs every function on Node.js 24, ARM64, active tracing, JSON logs, ESM entry', () => {
    // Every function of the template is a house function (none made by CDK behind the scenes, e.g. log retention).
    expect(functions).toHaveLength(houseFunctions.length);
    expect(stack.node.findAll().filter((c) => c instanceof ProvinceFunction)).toEqual(expect.arrayContaining(houseFunctions));
    expect(stack.node.findAll().filter((c) => c instanceof ProvinceFunction)).toHaveLength(houseFunctions.length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
      });
    }
  });

  it('defaults to 512 MB and 30 s; constructs may ask for other limits', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'operator-api' }) },
      MemorySize: 512,
      Timeout: 30,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'process-stream' }) },
      Timeout: 60,
    });
  });

  it('gives every function the province, Powertools and source-map variables', () => {
    for (const fn of functions) {
      const vars = fn.Properties.Environment.Variables;
      expect(vars).toMatchObject({
        PROVINCE_CODE: 'hue',
        PROVINCE_TIMEZONE: 'Asia/Ho_Chi_Minh',
        POWERTOOLS_METRICS_NAMESPACE: 'SmartCityPilot',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(houseFunctions.map((f) => f.name)).toContain(vars.POWERTOOLS_SERVICE_NAME);
    }
    expect(functions.map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(
      houseFunctions.map((f) => f.name).sort(),
    );
  });

  it('writes to its own log group, encrypted with the province key, kept for the configured days', () => {
    const logGroups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30, KmsKeyId: stack.resolve(stack.key.key.keyArn) },
      DeletionPolicy: 'Retain',
    });
    expect(Object.keys(logGroups)).toHaveLength(houseFunctions.length + 1); // one per function and the API access log
    template.resourceCountIs('AWS::Logs::LogGroup', houseFunctions.length + 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(stack.processor.fn.role.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: stack.resolve(stack.processor.fn.logGroup.logGroupArn),
          },
        ]),
      },
    });
    synthProvince('can-tho').template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('rounds retention up to a period CloudWatch Logs accepts, never below the configured days', () => {
    expect(retentionDaysAtLeast(1)).toBe(1);
    expect(retentionDaysAtLeast(30)).toBe(30);
    expect(retentionDaysAtLeast(31)).toBe(60);
    expect(retentionDaysAtLeast(366)).toBe(400);
    expect(retentionDaysAtLeast(3653)).toBe(3653);
    synthProvince({ retention: { observationDays: 90, frameDays: 7, logDays: 45 } }).template.allResourcesProperties(
      'AWS::Logs::LogGroup',
      { RetentionInDays: 60 },
    );
  });

  it('refuses a name that is not a lambdas/ directory', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
    const key = new kms.Key(stack, 'K');
    const config = provinceConfig('hue');
    expect(() => new ProvinceFunction(stack, 'F', { name: '../bin', config, key, description: 'x' })).toThrow(/kebab-case/);
    expect(() => new ProvinceFunction(stack, 'G', { name: 'no-such-handler', config, key, description: 'x' })).toThrow(
      /no-such-handler/,
    );
  });
});
