// Runs each Lambda function of the template from its bundled asset (cdk.out/asset.<hash>) in its own worker thread,
// with the environment the template gives it, Refs resolved to the local resources and SDK endpoints pointed at moto.
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClockSpec } from './clock.ts';
import type { Provisioned } from './provision.ts';

/** A failed invocation, as Lambda reports it. */
export class FunctionError extends Error {
  constructor(
    readonly functionId: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionId}: ${errorType}: ${message}`);
    this.name = 'FunctionError';
  }
}

/** One function's definition, read from the template. */
export interface LocalFunctionSpec {
  readonly logicalId: string;
  /** The handler directory (POWERTOOLS_SERVICE_NAME), for logs and lookups. */
  readonly service: string;
  readonly entry: string;
  readonly exportName: string;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  readonly memorySize: number;
}

/** Options of {@link LocalFunctions}. */
export interface LocalFunctionsOptions {
  readonly provisioned: Provisioned;
  readonly cdkOut: string;
  readonly region: string;
  /** Variables every function gets on top of its own: endpoints, credentials. */
  readonly baseEnv: Record<string, string>;
  readonly clock?: ClockSpec;
  /** Function logs go to `<logDir>/<service>.log`. */
  readonly logDir: string;
  /** Rewrites a resolved environment value (e.g. the API stage URL to the local server). */
  readonly rewrite?: (value: string) => string;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

class Instance {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  invocations = 0;
  errors = 0;

  constructor(
    private readonly spec: LocalFunctionSpec,
    private readonly o: LocalFunctionsOptions,
    private readonly log: WriteStream,
  ) {
    this.start();
  }

  private start() {
    this.worker = new Worker(new URL('./lambda-worker.mjs', import.meta.url), {
      env: { ...this.spec.env },
      stdout: true,
      stderr: true,
      workerData: {
        entry: this.spec.entry,
        exportName: this.spec.exportName,
        clock: this.o.clock,
        functionName: this.spec.env.AWS_LAMBDA_FUNCTION_NAME,
        memorySize: this.spec.memorySize,
        region: this.o.region,
      },
    });
    this.worker.stdout.pipe(this.log, { end: false });
    this.worker.stderr.pipe(this.log, { end: false });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; error?: { errorType: string; errorMessage: string } }) => {
        if (m.type === 'ready') resolve();
        if (m.type === 'init-error') reject(new FunctionError(this.spec.service, m.error!.errorType, `init failed: ${m.error!.errorMessage}`));
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (m: { type: string; id: number; ok: boolean; result?: unknown; error?: { errorType: string; errorMessage: string } }) => {
      if (m.type !== 'result') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else {
        this.errors++;
        p.reject(new FunctionError(this.spec.service, m.error!.errorType, m.error!.errorMessage));
      }
    });
    this.worker.on('exit', () => {
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new FunctionError(this.spec.service, 'Runtime.ExitError', 'the instance exited'));
      }
      this.pending.clear();
    });
  }

  /** One invocation at a time, like one Lambda instance. */
  invoke(event: unknown): Promise<unknown> {
    const run = this.queue.then(() => this.runOne(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOne(event: unknown): Promise<unknown> {
    await this.ready;
    this.invocations++;
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.errors++;
        reject(new FunctionError(this.spec.service, 'Sandbox.Timedout', `Task timed out after ${this.spec.timeoutMs / 1000} seconds`));
        // Like Lambda: the timed-out instance is thrown away and a fresh one starts.
        void this.worker.terminate().then(() => this.start());
      }, this.spec.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, event: structuredClone(event), timeoutMs: this.spec.timeoutMs });
    });
  }

  async stop() {
    await this.worker.terminate();
  }
}

/** The province's functions, each in its own worker. */
export class LocalFunctions {
  readonly specs = new Map<string, LocalFunctionSpec>();
  private readonly instances = new Map<string, Instance>();
  private readonly logs: WriteStream[] = [];

  constructor(private readonly o: LocalFunctionsOptions) {
    mkdirSync(o.logDir, { recursive: true });
    for (const [id] of o.provisioned.byType.get('AWS::Lambda::Function') ?? []) {
      const spec = this.specOf(id);
      this.specs.set(id, spec);
      const log = createWriteStream(join(o.logDir, `${spec.service}.log`), { flags: 'a' });
      this.logs.push(log);
      this.instances.set(id, new Instance(spec, o, log));
    }
  }

  private specOf(id: string): LocalFunctionSpec {
    const p = this.o.provisioned.props.get(id)! as {
      Code?: { S3Key?: string };
      Handler?: string;
      Environment?: { Variables?: Record<string, unknown> };
      Timeout?: number;
      MemorySize?: number;
    };
    const hash = p.Code?.S3Key?.replace(/\.zip$/, '');
    if (!hash) throw new Error(`function ${id} has no asset (Code.S3Key): inline code is not supported locally`);
    const dir = join(this.o.cdkOut, `asset.${hash}`);
    const [file, exportName] = (p.Handler ?? 'index.handler').split(/\.(?=[^.]+$)/) as [string, string];
    const entry = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, `${file}${ext}`)).find((f) => existsSync(f));
    if (!entry) throw new Error(`function ${id}: no bundle at ${dir}/${file}.mjs (run cdk synth with bundling)`);
    const rewrite = this.o.rewrite ?? ((v: string) => v);
    const own = Object.fromEntries(Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, rewrite(String(v))]));
    const name = this.o.provisioned.ctx.refs[id]!;
    return {
      logicalId: id,
      service: own.POWERTOOLS_SERVICE_NAME ?? id,
      entry,
      exportName,
      timeoutMs: (p.Timeout ?? 3) * 1000,
      memorySize: p.MemorySize ?? 128,
      env: {
        ...this.o.baseEnv,
        ...own,
        NODE_OPTIONS: '',
        AWS_REGION: this.o.region,
        AWS_DEFAULT_REGION: this.o.region,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.MemorySize ?? 128),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      },
    };
  }

  /** The function whose logical id or Arn is `idOrArn`. */
  idOf(idOrArn: string): string {
    if (this.specs.has(idOrArn)) return idOrArn;
    for (const [id] of this.specs) if (this.o.provisioned.ctx.attrs[id]?.Arn === idOrArn || this.o.provisioned.ctx.refs[id] === idOrArn) return id;
    throw new Error(`no local function ${idOrArn}`);
  }

  /** Invokes a function (RequestResponse) and returns its result; a function error rejects with FunctionError. */
  invoke(idOrArn: string, event: unknown): Promise<unknown> {
    return this.instances.get(this.idOf(idOrArn))!.invoke(event);
  }

  /** Invocation and error counts per service. */
  stats(): Record<string, { invocations: number; errors: number }> {
    const out: Record<string, { invocations: number; errors: number }> = {};
    for (const [id, i] of this.instances) out[this.specs.get(id)!.service] = { invocations: i.invocations, errors: i.errors };
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.stop()));
    for (const l of this.logs) l.end();
  }
}
