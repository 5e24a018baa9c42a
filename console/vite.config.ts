// Vite build of the operations console: relative asset paths (served under any path, e.g. `/` of the local API or a
// CloudFront distribution), Preact JSX, everything bundled. `npm run console:dev` proxies the API of a running
// local province (CONSOLE_API, default http://127.0.0.1:8080) and serves its config.json with a same-origin API URL.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const api = process.env.CONSOLE_API ?? 'http://127.0.0.1:8080';
/** First path segments of the operator API (and the local issuer) that the dev server forwards. */
const API_PATHS = ['incidents', 'rules', 'zones', 'cameras', 'sensors', 'observations', 'kpis', 'vision', 'clips', 'devices', 'openapi.json', 'local-cognito'];

/** Dev only: config.json from the running province, with the API URL pointed at this dev server (same origin). */
function devConfig(): Plugin {
  return {
    name: 'console-dev-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        fetch(`${api}/config.json`)
          .then(async (r) => {
            if (!r.ok) throw new Error(`${api}/config.json: HTTP ${r.status}`);
            const config = (await r.json()) as Record<string, unknown>;
            res.setHeader('content-type', 'application/json; charset=utf-8');
            res.end(JSON.stringify({ ...config, apiUrl: '' }));
          })
          .catch((e: Error) => {
            res.statusCode = 502;
            res.end(`console:dev could not read the local province's config.json (${e.message}); start it with npm start and set CONSOLE_API`);
          });
      });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [devConfig()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // No inlined assets: the CSP allows scripts and styles from 'self' only.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [root] },
    proxy: Object.fromEntries(API_PATHS.map((p) => [`/${p}`, { target: api, changeOrigin: false }])),
  },
});
