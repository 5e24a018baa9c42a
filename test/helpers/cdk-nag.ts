// Runs cdk-nag AwsSolutions on a synthesized province the way `cdk synth` does and reads CDK's validation report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvinceStack } from '../../lib/province-stack.ts';
import { buildProvince, type ProvinceSource } from './synth.ts';

/** One rule finding and the constructs it concerns. */
export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: string[];
}
/** A finding acknowledged with `Validations.of(construct).acknowledge(...)`. */
export interface AcknowledgedFinding extends NagFinding {
  readonly acknowledgedAt: string;
  readonly reason: string;
}

interface ReportViolation {
  ruleName: string;
  severity: string;
  violatingConstructs: Array<{ constructPath: string }>;
  acknowledgedAt?: string;
  reason?: string;
}

/**
 * Synthesizes `source` with AwsSolutionsChecks registered (as bin/app.ts does) and returns the AwsSolutions part of
 * `validation-report.json`: open findings, and acknowledged ones with where and why. Unacknowledged errors make
 * `app.synth()` throw with the formatted report, which is the clearest failure message a test can show. The stack is
 * returned too, so a test can derive the expected acknowledgements from what the stack holds.
 */
export function awsSolutionsReport(source: ProvinceSource): {
  open: NagFinding[];
  acknowledged: AcknowledgedFinding[];
  stack: ProvinceStack;
} {
  const { app, stack } = buildProvince(source, { nag: true });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{ pluginName: string; violations: ReportViolation[]; suppressedViolations?: ReportViolation[] }>;
  };
  const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
  if (!nag) throw new Error('no AwsSolutions report in validation-report.json: was the plugin registered?');
  const finding = (v: ReportViolation): NagFinding => ({
    rule: v.ruleName,
    severity: v.severity,
    paths: v.violatingConstructs.map((c) => c.constructPath),
  });
  return {
    stack,
    open: nag.violations.map(finding),
    acknowledged: (nag.suppressedViolations ?? []).map((v) => ({
      ...finding(v),
      acknowledgedAt: v.acknowledgedAt ?? '',
      reason: v.reason ?? '',
    })),
  };
}
