// Writes the OpenAPI 3.1 document of a province's API (all modules by default) to docs/openapi.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadProvinceConfig } from '../lib/config/load.ts';
import { MODULES } from '../lib/config/schema.ts';
import { openApiDocument } from '../lambdas/operator-api/openapi.ts';

const i = process.argv.indexOf('--province');
const code = i > 0 ? process.argv[i + 1] : undefined;
const config = code ? loadProvinceConfig(`provinces/${code}.json`) : undefined;
const doc = openApiDocument({
  modules: config?.modules ?? [...MODULES],
  title: config ? `smartcity-pilot — ${config.name}` : 'smartcity-pilot province API (all modules)',
});
mkdirSync('docs', { recursive: true });
const out = code ? `docs/openapi-${code}.json` : 'docs/openapi.json';
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`wrote ${out} (${Object.keys(doc.paths as object).length} paths)`);
