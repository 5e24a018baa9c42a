// Loads and validates province config files, turning every problem into one readable ConfigError.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ZodError } from 'zod';
import { jsonPath, provinceSchema, type ProvinceConfig } from './schema.ts';

/** A config file that cannot be used; `message` names the file, the JSON path and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`${file}: invalid province config\n${problems.map((p) => `  ${p.path}: expected ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates an already-parsed config object; `file` is only used in messages. */
export function parseProvinceConfig(raw: unknown, file: string): ProvinceConfig {
  const result = provinceSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, describe(result.error));
  return result.data;
}

/** Reads, parses and validates one `provinces/<code>.json`; the file name must be the code. */
export function loadProvinceConfig(file: string): ProvinceConfig {
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(shown, [{ path: '$', message: `a readable file (${(e as NodeJS.ErrnoException).code})` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(shown, [{ path: '$', message: `valid JSON (${(e as Error).message})` }]);
  }
  const config = parseProvinceConfig(raw, shown);
  const base = file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  if (base !== config.code) {
    throw new ConfigError(shown, [{ path: '$.code', message: `"${base}" (the file name), got "${config.code}"` }]);
  }
  return config;
}

/** Every `*.json` config in `dir` (the JSON Schema file excluded), sorted by file name. */
export function loadAllProvinces(dir: string): ProvinceConfig[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .sort()
    .map((f) => loadProvinceConfig(join(dir, f)));
}

function describe(error: ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => {
    let message = issue.message;
    // zod phrases type errors as "Invalid input: expected string, received number"; keep the useful part.
    const m = /^Invalid input: expected (.*)$/.exec(message);
    if (m) message = m[1]!;
    if (issue.code === 'invalid_value') message = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    if (issue.code === 'unrecognized_keys') message = `no unknown key (${issue.keys.join(', ')})`;
    return { path: jsonPath(issue.path), message };
  });
}
