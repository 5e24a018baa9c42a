// The device simulator: every camera and sensor of a province, living on the simulated clock and talking to the HTTP API.
import type { SimClock } from '../clock.ts';
import type { Camera, ProvinceConfig } from '../../lib/config/schema.ts';
import { cameraView, sensorReading, type ScenarioOptions } from './scenario.ts';
import { FRAME_DEFAULTS, renderFrame } from './scene.ts';
import { hashParts } from './random.ts';

/** How to build a {@link Simulator}. */
export interface SimulatorOptions {
  /** Base URL of the province HTTP API, e.g. `http://127.0.0.1:3000` (a trailing slash is fine). */
  readonly apiUrl: string;
  /** A JWT of the `admin` group: credentials are issued through `POST /devices`. */
  readonly adminToken: string;
  readonly config: ProvinceConfig;
  readonly clock: SimClock;
  /** Scenario seed. @default 1 */
  readonly seed?: number;
  /** Sensor episodes (pollution / flood) on or off. @default true */
  readonly episodes?: boolean;
  /** Afternoon gathering in crowd zones. @default true */
  readonly daytimeCrowd?: boolean;
  /** One line per event worth telling (start, first error of each kind, stop). @default console.log */
  readonly log?: (line: string) => void;
  /** Injected for tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default { width: 640, height: 360 } */
  readonly frameSize?: { readonly width: number; readonly height: number };
  /** JPEG quality. @default 75 */
  readonly quality?: number;
  /** Simulated seconds between two readings of a sensor. @default 60 */
  readonly sensorIntervalSeconds?: number;
  /** Wall-clock limit of one HTTP request. @default 15000 */
  readonly requestTimeoutMs?: number;
}

/** Counters since `start()`; rates are per wall second over the last 5 seconds. */
export interface SimulatorStats {
  readonly devices: number;
  readonly credentialsIssued: number;
  /** Events the API accepted. */
  readonly eventsSent: number;
  /** Events not accepted: listed as rejected in a 207/400 answer, or lost to an HTTP or network error. */
  readonly eventsRejected: number;
  /** Frames uploaded to their presigned URL. */
  readonly framesSent: number;
  /** Frames that failed at the URL request or at the upload. */
  readonly framesFailed: number;
  /** Ticks not run: the device's previous tick was still in flight, or the timer fired after a later tick was due. */
  readonly ticksSkipped: number;
  readonly eventsPerSecond: number;
  readonly framesPerSecond: number;
  /** Mean wall milliseconds to render and encode one frame. */
  readonly renderMs: number;
  /** Failures by kind, e.g. `POST /events: HTTP 503`. */
  readonly errors: Readonly<Record<string, number>>;
  /** Wall clock at `start()` (ISO), undefined before. */
  readonly startedAt: string | undefined;
  /** Simulated now (ISO). */
  readonly simNow: string;
}

interface DeviceLoop {
  readonly id: string;
  readonly kind: 'camera' | 'sensor';
  /** Simulated ms between ticks and the tick phase (ticks at epoch + offset + k·period). */
  readonly periodMs: number;
  readonly offsetMs: number;
  readonly run: (simMs: number) => Promise<void>;
  next: number;
  busy: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** A presigned upload as `POST /cameras/{id}/frames` answers it. */
interface FrameTicket {
  readonly url: string;
  readonly key: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

const RATE_WINDOW_MS = 5_000;

/** Drops the times older than the rate window. */
function trim(times: number[], now: number): void {
  let drop = 0;
  while (drop < times.length && times[drop]! < now - RATE_WINDOW_MS) drop++;
  if (drop > 0) times.splice(0, drop);
}

/** Records `n` sends now (and forgets the old ones, so the list stays small without anyone reading it). */
function mark(times: number[], n: number): void {
  const now = Date.now();
  for (let i = 0; i < n; i++) times.push(now);
  if (times.length > 0 && times[0]! < now - RATE_WINDOW_MS) trim(times, now);
}

/**
 * Plays the province's devices against its HTTP API on the simulated clock:
 * - `start()` issues a credential for every camera and sensor (`POST /devices`, admin JWT), then starts one loop per
 *   device on wall-clock timers scaled by the clock's speed;
 * - each camera, every `intervalSeconds` of simulated time, renders a frame of the scenario at that instant, asks
 *   `POST /cameras/{id}/frames` for a presigned URL (takenAt = the simulated instant) and PUTs the JPEG there;
 * - each sensor, every minute of simulated time, posts one reading to `POST /events` with id `<sensor>-<epoch s>`.
 *
 * A device never has two ticks in flight: a tick that finds the previous one still running is skipped and counted,
 * so a slow API slows the simulation down instead of piling up work. Request errors are counted, logged once per
 * kind (HTTP errors with status and body), and never stop a loop.
 */
export class Simulator {
  private readonly fetch: typeof fetch;
  private readonly log: (line: string) => void;
  private readonly apiUrl: string;
  private readonly scenario: ScenarioOptions;
  private readonly loops: DeviceLoop[] = [];
  private readonly credentials = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly errors = new Map<string, number>();
  private readonly waiters = new Set<{ timer?: ReturnType<typeof setTimeout>; resolve: () => void }>();
  private readonly recent = { events: [] as number[], frames: [] as number[] };
  private counters = { eventsSent: 0, eventsRejected: 0, framesSent: 0, framesFailed: 0, ticksSkipped: 0 };
  private renderTotalMs = 0;
  private renders = 0;
  private startedAt: number | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  constructor(private readonly options: SimulatorOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.log = options.log ?? ((line) => console.log(line));
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.scenario = {
      seed: options.seed ?? 1,
      episodes: options.episodes ?? true,
      daytimeCrowd: options.daytimeCrowd ?? true,
      frameAspect: (options.frameSize?.width ?? FRAME_DEFAULTS.width) / (options.frameSize?.height ?? FRAME_DEFAULTS.height),
    };
  }

  /**
   * Issues every device's credential, then starts the loops. Rejects (and starts nothing) when a credential cannot be
   * issued after three attempts, naming the devices and the reasons.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the simulator can start once (it is ${this.state})`);
    this.state = 'starting';
    const { config, clock } = this.options;
    const devices = [...config.cameras.map((c) => c.id), ...config.sensors.map((s) => s.id)];
    const failures: string[] = [];
    await Promise.all(
      devices.map(async (id) => {
        try {
          this.credentials.set(id, await this.issueCredential(id));
        } catch (e) {
          failures.push(`${id}: ${(e as Error).message}`);
        }
      }),
    );
    if (failures.length > 0) {
      this.state = 'stopped';
      throw new Error(`device credentials could not be issued through POST ${this.apiUrl}/devices:\n  ${failures.join('\n  ')}`);
    }
    if ((this.state as string) === 'stopped') return; // stop() was called meanwhile
    this.startedAt = Date.now();
    this.state = 'running';
    const seed = this.scenario.seed!;
    for (const camera of config.cameras) {
      const periodMs = camera.intervalSeconds * 1000;
      this.loops.push(this.loop(camera.id, 'camera', periodMs, (hashParts(seed, 'phase', camera.id) % camera.intervalSeconds) * 1000, (t) => this.sendFrame(camera, t)));
    }
    const sensorPeriod = (this.options.sensorIntervalSeconds ?? 60) * 1000;
    for (const sensor of config.sensors) {
      const offset = (hashParts(seed, 'phase', sensor.id) % (sensorPeriod / 1000)) * 1000;
      this.loops.push(this.loop(sensor.id, 'sensor', sensorPeriod, offset, (t) => this.sendReading(sensor.id, t)));
    }
    for (const loop of this.loops) this.schedule(loop);
    this.log(
      `[simulator] ${config.cameras.length} cameras, ${config.sensors.length} sensors of ${config.code} running at ${clock.spec.speed}x from ${clock.now().toISOString()} (seed ${seed}, episodes ${this.scenario.episodes ? 'on' : 'off'})`,
    );
  }

  /** Ends every loop and waits for the requests in flight; resolves pending {@link runUntil} calls. */
  async stop(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    for (const loop of this.loops) clearTimeout(loop.timer);
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.waiters.clear();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (wasRunning) {
      const s = this.stats();
      this.log(`[simulator] stopped at ${s.simNow}: ${s.framesSent} frames, ${s.eventsSent} events sent; ${s.framesFailed} frames failed, ${s.eventsRejected} events rejected, ${s.ticksSkipped} ticks skipped`);
    }
  }

  /** Resolves once the simulated clock has passed `simInstant` (or when the simulator is stopped). */
  runUntil(simInstant: Date | number | string): Promise<void> {
    const target = new Date(simInstant).getTime();
    if (!Number.isFinite(target)) return Promise.reject(new Error(`runUntil: not an instant: ${String(simInstant)}`));
    return new Promise<void>((resolve) => {
      const waiter: { timer?: ReturnType<typeof setTimeout>; resolve: () => void } = {
        resolve: () => {
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const check = () => {
        const left = target - this.options.clock.now().getTime();
        if (left < 0 || this.state === 'stopped') return waiter.resolve();
        waiter.timer = setTimeout(check, Math.min(2 ** 31 - 1, Math.max(1, Math.ceil(this.options.clock.realMs(left)) + 1)));
      };
      this.waiters.add(waiter);
      check();
    });
  }

  /** Counters, rates and the simulated now. */
  stats(): SimulatorStats {
    const now = Date.now();
    const rate = (times: number[]) => {
      trim(times, now);
      const span = Math.min(RATE_WINDOW_MS, Math.max(1, now - (this.startedAt ?? now)));
      return this.startedAt === undefined ? 0 : Math.round((times.length / span) * 10_000) / 10;
    };
    return {
      devices: this.options.config.cameras.length + this.options.config.sensors.length,
      credentialsIssued: this.credentials.size,
      ...this.counters,
      eventsPerSecond: rate(this.recent.events),
      framesPerSecond: rate(this.recent.frames),
      renderMs: this.renders === 0 ? 0 : Math.round((this.renderTotalMs / this.renders) * 10) / 10,
      errors: Object.fromEntries(this.errors),
      startedAt: this.startedAt === undefined ? undefined : new Date(this.startedAt).toISOString(),
      simNow: this.options.clock.now().toISOString(),
    };
  }

  // -------------------------------------------------------------------------------------------------------------

  private loop(id: string, kind: DeviceLoop['kind'], periodMs: number, offsetMs: number, run: DeviceLoop['run']): DeviceLoop {
    const now = this.options.clock.now().getTime();
    const next = Math.ceil((now - offsetMs) / periodMs) * periodMs + offsetMs;
    return { id, kind, periodMs, offsetMs, run, next, busy: false };
  }

  private schedule(loop: DeviceLoop): void {
    if (this.state !== 'running') return;
    const wait = this.options.clock.realMs(loop.next - this.options.clock.now().getTime());
    loop.timer = setTimeout(() => this.tick(loop), Math.max(0, Math.ceil(wait)));
  }

  private tick(loop: DeviceLoop): void {
    if (this.state !== 'running') return;
    const now = this.options.clock.now().getTime();
    if (loop.next > now) return this.schedule(loop); // woke a little early
    // The latest tick due runs; ticks the timer overslept are skipped.
    const due = loop.next + Math.floor((now - loop.next) / loop.periodMs) * loop.periodMs;
    this.counters.ticksSkipped += (due - loop.next) / loop.periodMs;
    loop.next = due + loop.periodMs;
    if (loop.busy) {
      this.counters.ticksSkipped++;
    } else {
      loop.busy = true;
      const run = loop
        .run(due)
        .catch((e: unknown) => {
          // A bug rather than a request error (those are handled inside): counted like a failed send, loop kept.
          if (loop.kind === 'camera') this.counters.framesFailed++;
          else this.counters.eventsRejected++;
          this.fail(`${loop.kind} loop error`, `${loop.id}: ${(e as Error).stack ?? String(e)}`);
        })
        .finally(() => {
          loop.busy = false;
          this.inFlight.delete(run);
        });
      this.inFlight.add(run);
    }
    this.schedule(loop);
  }

  private async sendFrame(camera: Camera, simMs: number): Promise<void> {
    const started = performance.now();
    const people = cameraView(this.options.config, camera.id, simMs, this.scenario).people;
    const frame = renderFrame({
      width: this.options.frameSize?.width ?? FRAME_DEFAULTS.width,
      height: this.options.frameSize?.height ?? FRAME_DEFAULTS.height,
      quality: this.options.quality ?? FRAME_DEFAULTS.quality,
      people,
      seed: hashParts(this.scenario.seed!, 'camera', camera.id),
      frameNo: Math.floor(simMs / (camera.intervalSeconds * 1000)),
    });
    this.renderTotalMs += performance.now() - started;
    this.renders++;
    const auth = `Device ${this.credentials.get(camera.id)}`;
    const takenAt = new Date(simMs).toISOString();
    const ask = await this.request('POST /cameras/{id}/frames', `${this.apiUrl}/cameras/${encodeURIComponent(camera.id)}/frames`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ contentType: 'image/jpeg', contentLength: frame.jpeg.length, takenAt }),
    });
    if (!ask.ok) {
      this.counters.framesFailed++;
      return;
    }
    const ticket = ask.json as FrameTicket | undefined;
    if (!ticket || typeof ticket.url !== 'string') {
      this.counters.framesFailed++;
      this.fail('POST /cameras/{id}/frames: no url in the answer', `${camera.id}: ${ask.text.slice(0, 300)}`);
      return;
    }
    const put = await this.request('PUT frame', ticket.url, {
      method: ticket.method ?? 'PUT',
      headers: { 'content-type': 'image/jpeg', ...(ticket.headers ?? {}) },
      body: frame.jpeg,
    });
    if (!put.ok) {
      this.counters.framesFailed++;
      return;
    }
    this.counters.framesSent++;
    mark(this.recent.frames, 1);
  }

  private async sendReading(sensorId: string, simMs: number): Promise<void> {
    const reading = sensorReading(this.options.config, sensorId, simMs, this.scenario);
    const id = `${sensorId}-${Math.floor(simMs / 1000)}`;
    const res = await this.request('POST /events', `${this.apiUrl}/events`, {
      method: 'POST',
      headers: { authorization: `Device ${this.credentials.get(sensorId)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ id, ts: new Date(simMs).toISOString(), value: reading.value }] }),
      acceptStatus: [207, 400],
    });
    const body = res.json as { accepted?: number; rejected?: Array<{ reason?: string }> } | undefined;
    const accepted = res.status === 200 || res.status === 207 ? (body?.accepted ?? (res.status === 200 ? 1 : 0)) : 0;
    this.counters.eventsSent += accepted;
    this.counters.eventsRejected += 1 - accepted;
    mark(this.recent.events, accepted);
    if ((res.status === 207 || res.status === 400) && accepted < 1) {
      const reason = body?.rejected?.[0]?.reason ?? res.text.slice(0, 300);
      this.fail(`POST /events: HTTP ${res.status} rejected`, `${sensorId}: ${reason}`);
    }
  }

  private async issueCredential(id: string): Promise<string> {
    let last = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      const res = await this.request(
        'POST /devices',
        `${this.apiUrl}/devices`,
        { method: 'POST', headers: { authorization: `Bearer ${this.options.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ id }) },
        false,
      );
      const credential = (res.json as { credential?: unknown } | undefined)?.credential;
      if (res.ok && typeof credential === 'string') return credential;
      last = res.status === 0 ? res.text : `HTTP ${res.status} ${res.text.slice(0, 300)}`;
      if (res.status >= 400 && res.status < 500) break; // refused: asking again changes nothing
      if (attempt < 3) await new Promise((r) => setTimeout(r, 250 * attempt));
    }
    throw new Error(last);
  }

  /**
   * One HTTP request with a timeout. Never throws: `status` 0 is a network error or timeout. Errors are counted by
   * kind and logged on their first occurrence (unless `report` is false).
   */
  private async request(
    what: string,
    url: string,
    init: { method: string; headers: Record<string, string>; body: string | Uint8Array; acceptStatus?: number[] },
    report = true,
  ): Promise<{ ok: boolean; status: number; text: string; json: unknown }> {
    let status = 0;
    let text = '';
    try {
      const res = await this.fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body as BodyInit, // a Uint8Array over a Node Buffer: fine for undici, typed as ArrayBufferLike
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      text = err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const ok = status >= 200 && status < 300;
    if (!ok && report && !init.acceptStatus?.includes(status)) {
      this.fail(`${what}: ${status === 0 ? `network error (${text})` : `HTTP ${status}`}`, status === 0 ? url : `${url.split('?')[0]} → ${text.slice(0, 300)}`);
    }
    return { ok, status, text, json };
  }

  /** Counts a failure of `kind`; the first of each kind is logged with its detail. */
  private fail(kind: string, detail: string): void {
    const n = (this.errors.get(kind) ?? 0) + 1;
    this.errors.set(kind, n);
    if (n === 1) this.log(`[simulator] ${kind} — ${detail} (further errors of this kind are only counted)`);
  }
}
