// Writes provinces/province.schema.json (JSON Schema) from the zod schema so editors validate config files.
import { writeFileSync } from 'node:fs';
import { provinceConfigJsonSchema } from '../lib/config/json-schema.ts';

writeFileSync('provinces/province.schema.json', provinceConfigJsonSchema());
console.log('wrote provinces/province.schema.json');
