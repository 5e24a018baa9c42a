// Starts and stops moto_server (the local AWS emulator) on a free loopback port; used by `npm start` and the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A running moto_server. */
export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Raised when moto_server is not installed; says how to install it. */
export class MotoMissingError extends Error {
  constructor(cause: string) {
    super(
      `moto_server could not be started (${cause}).\n` +
        "The local province needs moto (a local AWS emulator): pip install 'moto[server]'  (Python 3.9+)",
    );
    this.name = 'MotoMissingError';
  }
}

/** Starts moto_server on 127.0.0.1 (a free port unless given) and waits until it answers. */
export async function startMoto(o: { port?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Moto> {
  const port = o.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own process group: a Ctrl-C in the terminal reaches the runner, which then stops moto last, after the
  // functions and pollers that still talk to it.
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...o.env },
    detached: true,
  });
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new MotoMissingError((e as NodeJS.ErrnoException).code ?? e.message)));
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code}\n${stderr}`)));
  });
  failed.catch(() => undefined);
  await Promise.race([waitUntilUp(endpoint, () => stderr), failed]);
  return {
    endpoint,
    port,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
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

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
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
