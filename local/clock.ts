// The local province's accelerated clock: simulated time runs `speed` times faster than wall time from a chosen start.

/** How simulated time maps onto wall time; plain data, so it can be handed to worker threads. */
export interface ClockSpec {
  /** Simulated instant at `realEpochMs` (epoch ms). */
  readonly simEpochMs: number;
  /** Wall-clock instant the simulation started (epoch ms). */
  readonly realEpochMs: number;
  /** Simulated seconds per wall second (1 = real time). */
  readonly speed: number;
}

/** Simulated now (epoch ms) under `spec`, given the real clock. */
export function simNow(spec: ClockSpec, realNowMs: number): number {
  return spec.simEpochMs + (realNowMs - spec.realEpochMs) * spec.speed;
}

/** A clock spec starting now at `simStart`. */
export function startClock(simStart: Date, speed: number, realNowMs = Date.now()): ClockSpec {
  if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${speed}`);
  return { simEpochMs: simStart.getTime(), realEpochMs: realNowMs, speed };
}

/** A clock object over a spec (for code in the runner's own thread, which keeps the real Date). */
export class SimClock {
  constructor(
    readonly spec: ClockSpec,
    private readonly realNow: () => number = () => Date.now(),
  ) {}

  /** Simulated now. */
  now(): Date {
    return new Date(simNow(this.spec, this.realNow()));
  }

  /** Wall milliseconds that `simMs` of simulated time take. */
  realMs(simMs: number): number {
    return simMs / this.spec.speed;
  }
}

/**
 * Replaces `globalThis.Date` in the current thread so that `new Date()` and `Date.now()` read simulated time; used
 * inside each Lambda worker so that handlers, which read the clock like in the cloud, live in the simulated night.
 */
export function installSimulatedDate(spec: ClockSpec): void {
  const RealDate = Date;
  const now = () => simNow(spec, RealDate.now());
  class SimulatedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
  }
  globalThis.Date = SimulatedDate as DateConstructor;
}
