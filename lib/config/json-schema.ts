// The JSON Schema of a province config file, generated from the zod schema (the file editors validate against).
import { z } from 'zod';
import { provinceSchema } from './schema.ts';

/** JSON Schema text (draft 2020-12) of the config as written, defaults documented. */
export function provinceConfigJsonSchema(): string {
  const schema = z.toJSONSchema(provinceSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ title: 'smartcity-pilot province config', ...schema }, null, 2)}\n`;
}
