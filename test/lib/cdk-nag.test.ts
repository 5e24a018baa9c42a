// cdk-nag AwsSolutions over every pilot province: no open finding, every acknowledgement next to its resource with a reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { awsSolutionsReport } from '../helpers/cdk-nag.ts';

describe.each(['da-nang', 'hue', 'can-tho'])('cdk-nag AwsSolutions on %s', (code) => {
  // Synthesizing with the plugin throws, with the formatted report, when an error-level finding is open.
  let report: ReturnType<typeof awsSolutionsReport>;
  beforeAll(() => {
    report = awsSolutionsReport(code);
  });

  it('leaves no finding unacknowledged (errors or warnings)', () => {
    expect(report.open).toEqual([]);
  });

  it('acknowledges only the reviewed rules, each with a written reason', () => {
    const rules = new Set(report.acknowledged.map((a) => a.rule));
    expect([...rules].sort()).toEqual(
      ['AwsSolutions-COG2', 'AwsSolutions-COG8', 'AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-KDS3', 'AwsSolutions-SQS3'].sort(),
    );
    for (const a of report.acknowledged) expect(a.reason.length, a.rule).toBeGreaterThan(40);
  });

  it('acknowledges on the resource itself (or its function role), never on the whole stack', () => {
    for (const a of report.acknowledged) {
      expect(a.acknowledgedAt.split('/').length, `${a.rule} at ${a.acknowledgedAt}`).toBeGreaterThan(2);
      for (const path of a.paths) expect(path.startsWith(`${a.acknowledgedAt}/`)).toBe(true);
    }
  });

  it('acknowledges Resource "*" only on function roles (the X-Ray statement)', () => {
    for (const a of report.acknowledged.filter((x) => x.rule.startsWith('AwsSolutions-IAM5'))) {
      expect(a.acknowledgedAt).toMatch(/\/Role$/);
    }
  });
});
