// cdk-nag AwsSolutions over every pilot province: no open finding, every acknowledgement next to its resource with a reason.
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsSolutionsReport } from '../helpers/cdk-nag.ts';
import { logicalIdOf, provinceFunctions } from '../helpers/synth.ts';

describe.each(['da-nang', 'hue', 'can-tho'])('cdk-nag AwsSolutions on %s', (code) => {
  // Synthesizing with the plugin throws, with the formatted report, when an error-level finding is open.
  let report: ReturnType<typeof awsSolutionsReport>;
  beforeAll(() => {
    report = awsSolutionsReport(code);
  });

  /**
   * The reviewed acknowledgements, as `rule @ construct path`, derived from what the stack holds. The console's log
   * bucket carries one too (S1), but cdk-nag raises no finding there (a bucket that receives another bucket's access
   * logs is compliant), so it never shows up in the report: see {@link dormantAcknowledgements}.
   */
  const expectedAcknowledgements = () => {
    const { stack } = report;
    const roleOf = (f: { role: { node: { path: string } } }) => f.role.node.path;
    const expected = [
      `AwsSolutions-KDS3 @ ${stack.ingest.stream.node.path}`,
      `AwsSolutions-SQS3 @ ${stack.processor.failureQueue.node.path}`,
      `AwsSolutions-COG2 @ ${stack.api.userPool.node.path}`,
      `AwsSolutions-COG8 @ ${stack.api.userPool.node.path}`,
      // The console's distribution: the default *.cloudfront.net certificate (CFR4) and no WAF (CFR2).
      `AwsSolutions-CFR4 @ ${stack.console.distribution.node.path}`,
      `AwsSolutions-CFR2 @ ${stack.console.distribution.node.path}`,
      // X-Ray (every function) and the Rekognition actions (vision functions) have no resource-level permissions.
      ...provinceFunctions(stack).map((f) => `AwsSolutions-IAM5[Resource::*] @ ${roleOf(f)}`),
    ];
    const vision = stack.vision;
    if (vision) {
      const objects = (prefix: string) => `AwsSolutions-IAM5[Resource::<${logicalIdOf(stack, vision.bucket)}.Arn>/${prefix}]`;
      for (const f of [vision.analyzer, vision.uploadUrls, stack.api.operatorFunction]) expected.push(`${objects('frames/*')} @ ${roleOf(f)}`);
      expected.push(`${objects('clips/*')} @ ${roleOf(vision.startClip)}`);
    }
    return expected.sort();
  };

  /** Acknowledgements declared in the tree for which cdk-nag raises no finding today (in case a rule version does). */
  const dormantAcknowledgements = () => [`AwsSolutions-S1 @ ${report.stack.console.logs.node.path}`];

  /**
   * Every acknowledgement declared with `Validations.of(construct).acknowledge(...)`, as `rule @ path` with its reason
   * (a vision role declares IAM5[Resource::*] twice: X-Ray from the house function, then X-Ray and Rekognition).
   */
  const declaredAcknowledgements = () =>
    report.stack.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => ({ at: `${id.replace(/^AwsSolutions::/, '')} @ ${c.node.path}`, reason })),
    );

  it('leaves no finding unacknowledged (errors or warnings)', () => {
    expect(report.open).toEqual([]);
  });

  it('acknowledges only the reviewed rules, where they were reviewed, each with a written reason', () => {
    expect(report.acknowledged.map((a) => `${a.rule} @ ${a.acknowledgedAt}`).sort()).toEqual(expectedAcknowledgements());
    for (const a of report.acknowledged) expect(a.reason.length, a.rule).toBeGreaterThan(40);
  });

  it('declares no acknowledgement but the reported ones and the log bucket S1, each with a reason', () => {
    const declared = declaredAcknowledgements();
    expect([...new Set(declared.map((d) => d.at))].sort()).toEqual([...expectedAcknowledgements(), ...dormantAcknowledgements()].sort());
    for (const d of declared) expect(d.reason.length, d.at).toBeGreaterThan(40);
  });

  it('acknowledges on the resource itself (or its function role), never on the whole stack', () => {
    for (const a of report.acknowledged) {
      expect(a.acknowledgedAt.split('/').length, `${a.rule} at ${a.acknowledgedAt}`).toBeGreaterThan(2);
      for (const path of a.paths) expect(path.startsWith(`${a.acknowledgedAt}/`)).toBe(true);
    }
  });

  it('acknowledges wildcard resources (X-Ray, Rekognition, bucket prefixes) only on function roles', () => {
    const functionRoles = provinceFunctions(report.stack).map((f) => f.role.node.path);
    const iam5 = report.acknowledged.filter((x) => x.rule.startsWith('AwsSolutions-IAM5'));
    expect(iam5.length).toBeGreaterThan(0);
    for (const a of iam5) expect(functionRoles, `${a.rule} at ${a.acknowledgedAt}`).toContain(a.acknowledgedAt);
  });
});
