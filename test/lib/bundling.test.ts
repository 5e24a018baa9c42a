// The one test that bundles for real: every function of a province builds with esbuild into a minified ESM bundle.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('bundles', () => {
  it('build for every function, as ESM with source maps and the province registry baked in', { timeout: 120_000 }, () => {
    const { app, template } = synthProvince('can-tho', { bundle: true });
    const outdir = app.outdir;
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    const bundles = functions.map((fn) => {
      // The asset's S3 key is `<hash>.zip`; the staged bundle lives in `<outdir>/asset.<hash>`.
      const hash = (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '');
      const dir = join(outdir, `asset.${hash}`);
      expect(existsSync(join(dir, 'index.mjs.map')), dir).toBe(true);
      const name = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
      return { name, code: readFileSync(join(dir, 'index.mjs'), 'utf8') };
    });
    for (const { name, code } of bundles) {
      expect(code.startsWith("import { createRequire } from 'module';"), name).toBe(true);
      expect(code, name).toContain('sourceMappingURL=index.mjs.map');
    }
    // Handlers that read the registry get the province's zones inlined by the esbuild define.
    const withRegistry = bundles.filter((b) => b.code.includes('ct-ninh-kieu'));
    expect(withRegistry.map((b) => b.name)).toContain('process-stream');
    for (const { code } of bundles) expect(code).not.toContain('hue-dai-noi');
  });
});
