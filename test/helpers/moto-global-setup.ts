// Starts one moto_server (a local AWS emulator) on a free loopback port for the whole test run, and stops it after.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let moto: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  moto.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const spawnError = new Promise<never>((_, reject) =>
    moto!.once('error', (e) =>
      reject(new Error(`moto_server could not start (${e.message}); install it with: pip install 'moto[server]'`)),
    ),
  );
  await Promise.race([waitUntilUp(endpoint, () => stderr), spawnError]);
  project.provide('motoEndpoint', endpoint);
}

export async function teardown(): Promise<void> {
  if (moto && moto.exitCode === null) {
    moto.kill('SIGTERM');
    await new Promise((r) => moto!.once('exit', r));
  }
}

async function waitUntilUp(endpoint: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within 20 s\n${stderr()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
