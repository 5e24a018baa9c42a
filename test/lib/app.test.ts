// bin/app.ts as the CDK CLI runs it: a bad province selection is one clear message on stderr and exit code 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/province-function.ts';

const runApp = (context: Record<string, unknown>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bin', 'app.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'cdk-app-')) },
    encoding: 'utf8',
  });

describe('bin/app.ts', () => {
  it('names the available codes when -c province is unknown, without a stack trace', { timeout: 60_000 }, () => {
    const result = runApp({ province: 'sai-gon' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"sai-gon"');
    expect(result.stderr).toContain('can-tho, da-nang, hue');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
