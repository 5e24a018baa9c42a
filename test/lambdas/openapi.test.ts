// The OpenAPI document: valid OpenAPI 3.1 (checked by openapi-spec-validator) and exactly the routes the API serves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../../lib/config/schema.ts';
import { routesFor } from '../../lambdas/operator-api/api-spec.ts';
import { openApiDocument } from '../../lambdas/operator-api/openapi.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { claimsFor } from '../helpers/province.ts';

const operations = (doc: Record<string, unknown>) =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

describe('OpenAPI document', () => {
  for (const modules of [[...MODULES], ['sensors'], ['crowd']] as const) {
    it(`validates with openapi-spec-validator (modules: ${modules.join(', ')})`, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
      writeFileSync(file, JSON.stringify(openApiDocument({ modules })));
      const out = execFileSync('openapi-spec-validator', [file], { encoding: 'utf8' });
      expect(out).toContain('OK');
    });
  }

  it('documents exactly the operator routes plus the two device routes, with their parameters', () => {
    const doc = openApiDocument({ modules: [...MODULES] });
    const expected = [...routesFor([...MODULES]).map((r) => `${r.method} ${r.path}`), 'POST /events', 'POST /cameras/{id}/frames'].sort();
    expect(operations(doc)).toEqual(expected);
    const obs = (doc.paths as Record<string, Record<string, { parameters: Array<{ name: string }> }>>)['/observations']!.get!;
    expect(obs.parameters.map((p) => p.name)).toEqual(['source', 'zone', 'from', 'to', 'limit', 'cursor']);
  });

  it('leaves out the routes of a module that is off', () => {
    const doc = openApiDocument({ modules: ['crowd'] });
    expect(operations(doc)).not.toContain('POST /events');
    expect(operations(doc)).not.toContain('GET /sensors');
  });

  it('is served at GET /openapi.json to signed-in operators', async () => {
    const p = await motoOperatorApi();
    const res = await p.call('GET /openapi.json', { claims: claimsFor('hoa', 'operator') });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(operations(res.body)).toContain('POST /incidents/{id}/acknowledge');
    expect((await p.call('GET /openapi.json', {})).status).toBe(401);
  });
});
