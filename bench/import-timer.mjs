// Imports one module in a fresh Node.js process and prints how many milliseconds the import took (a cold start's init).
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/import-timer.mjs <module>');
const started = performance.now();
await import(pathToFileURL(file).href);
process.stdout.write(`${(performance.now() - started).toFixed(3)}\n`);
