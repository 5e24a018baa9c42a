// CDK entry: one ProvinceStack per provinces/*.json (or only `-c province=<code>`), checked by cdk-nag AwsSolutions.
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadAllProvinces } from '../lib/config/load.ts';
import type { ProvinceConfig } from '../lib/config/schema.ts';
import { ProvinceStack } from '../lib/province-stack.ts';

const PROVINCES_DIR = fileURLToPath(new URL('../provinces/', import.meta.url));

/** The stack id of a province. */
const stackId = (code: string): string => `SmartCity-${code}`;

/** The configs to synthesize: all of them, or the one `-c province=<code>` names (unknown code: a ConfigError). */
function selectProvinces(all: ProvinceConfig[], wanted: unknown): ProvinceConfig[] {
  if (wanted === undefined || wanted === '') return all;
  const match = all.filter((c) => c.code === String(wanted));
  if (match.length === 0) {
    const codes = all.map((c) => c.code).join(', ');
    throw new ConfigError('-c province', [
      { path: 'province', message: `one of ${codes} (the files in provinces/), got "${String(wanted)}"` },
    ]);
  }
  return match;
}

function main(): void {
  const app = new App();
  const configs = selectProvinces(loadAllProvinces(PROVINCES_DIR), app.node.tryGetContext('province'));
  for (const config of configs) {
    new ProvinceStack(app, stackId(config.code), {
      config,
      // No account in the config: the stack is account-agnostic and synth needs no AWS credentials.
      env: { account: config.account, region: config.region },
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

try {
  main();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
