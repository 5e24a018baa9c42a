// Adaptive sampling and active hours: which camera frames are worth analysing at all, before any pixel is read.
import { inLocalWindow, localParts, type LocalWindow } from './time.ts';

/** The camera settings sampling reads (structurally a subset of the config's `Camera`). */
export interface SamplingCamera {
  /** Seconds between analysed frames at full rate. */
  readonly intervalSeconds: number;
  /** Local hours in which frames are analysed; absent: always. */
  readonly activeHours?: LocalWindow | undefined;
  readonly guards: { readonly activeHours: boolean; readonly adaptiveSampling: boolean };
}

/**
 * Interval multipliers by how far the last count is below the zone's lowest crowd threshold (`minPeople`):
 * below 25 % → 6 x, below 50 % → 3 x, otherwise (near or above) 1 x, i.e. every frame at `intervalSeconds`.
 * A zone with no crowd rule has nothing to alert on and is sampled at {@link NO_RULE_MULTIPLIER}.
 */
export const ADAPTIVE_GRADES: ReadonlyArray<{ readonly belowFraction: number; readonly multiplier: number }> = [
  { belowFraction: 0.25, multiplier: 6 },
  { belowFraction: 0.5, multiplier: 3 },
];

/** Multiplier for a camera whose zone has no crowd rule: counts only feed dashboards and rollups. */
export const NO_RULE_MULTIPLIER = 6;

/**
 * Frames are due a little early: an upload every 10 s arrives at 9.8 s as often as at 10.2 s, and without slack
 * half of them would be skipped, halving the rate. The slack is this fraction of `intervalSeconds`.
 */
export const JITTER_FRACTION = 0.1;

export interface SamplingInput {
  readonly now: string | Date;
  readonly camera: SamplingCamera;
  /** When the camera's last frame was analysed (carried counts do not count); absent: never. */
  readonly lastAnalysedAt?: string | Date | undefined;
  /** People counted (or carried) at the last analysis; absent: unknown. */
  readonly lastCount?: number | undefined;
  /** `minPeople` of the crowd rules watching the camera's zone. */
  readonly zoneThresholds: ReadonlyArray<number>;
  /** The province's IANA timezone, in which `activeHours` is read. */
  readonly timezone: string;
}

/**
 * - `inactive-hours`: outside the camera's active hours;
 * - `too-soon`: less than `intervalSeconds` since the last analysis (the camera uploads faster than its configured
 *   full rate, or a frame arrives out of order, older than the last analysed one);
 * - `adaptive-skip`: at least `intervalSeconds`, but less than the adaptive interval;
 * - `due`: analyse.
 */
export type SamplingReason = 'inactive-hours' | 'too-soon' | 'adaptive-skip' | 'due';

export interface SamplingDecision {
  readonly analyse: boolean;
  readonly reason: SamplingReason;
  /**
   * Whole seconds until a frame would next be analysed at the current grade: the adaptive interval after a `due`
   * frame, what is left of it after a skipped one, the time until the active hours open when outside them.
   */
  readonly nextDueInSeconds: number;
  /** The interval multiplier applied (1 when adaptive sampling is off or not applicable). */
  readonly multiplier: number;
}

/**
 * Whether a camera frame arriving at `now` should be analysed. In order:
 * 1. `guards.activeHours` on and `now` outside `activeHours` (local time, `from` inclusive, `to` exclusive, may
 *    cross midnight) → `inactive-hours`.
 * 2. No previous analysis → `due`.
 * 3. Elapsed since `lastAnalysedAt` below `intervalSeconds` (less {@link JITTER_FRACTION} slack) → `too-soon`.
 *    This always applies: `intervalSeconds` is the camera's full rate.
 * 4. `guards.adaptiveSampling` on: the effective interval is `intervalSeconds` x the multiplier of
 *    {@link adaptiveMultiplier}; elapsed below it (less the same slack) → `adaptive-skip`.
 * 5. Otherwise `due`.
 */
export function samplingDecision(input: SamplingInput): SamplingDecision {
  const { now, camera, timezone } = input;
  const base = camera.intervalSeconds;
  if (camera.guards.activeHours && !inLocalWindow(now, camera.activeHours, timezone)) {
    return { analyse: false, reason: 'inactive-hours', nextDueInSeconds: secondsUntilOpen(now, camera.activeHours!, timezone), multiplier: 1 };
  }
  const multiplier = camera.guards.adaptiveSampling ? adaptiveMultiplier(input.lastCount, input.zoneThresholds) : 1;
  const effective = base * multiplier;
  if (input.lastAnalysedAt === undefined) return { analyse: true, reason: 'due', nextDueInSeconds: effective, multiplier };
  const elapsed = (toMillis(now) - toMillis(input.lastAnalysedAt)) / 1000;
  const slack = base * JITTER_FRACTION;
  const left = Math.max(0, Math.ceil(effective - elapsed));
  if (elapsed < base - slack) return { analyse: false, reason: 'too-soon', nextDueInSeconds: left, multiplier };
  if (elapsed < effective - slack) return { analyse: false, reason: 'adaptive-skip', nextDueInSeconds: left, multiplier };
  return { analyse: true, reason: 'due', nextDueInSeconds: effective, multiplier };
}

/**
 * The adaptive interval multiplier for a last count against a zone's crowd thresholds: graded by
 * `lastCount / min(thresholds)` through {@link ADAPTIVE_GRADES}; {@link NO_RULE_MULTIPLIER} when the zone has no
 * (positive) threshold; 1 when the last count is unknown (full rate until there is one).
 */
export function adaptiveMultiplier(lastCount: number | undefined, zoneThresholds: ReadonlyArray<number>): number {
  const positive = zoneThresholds.filter((t) => Number.isFinite(t) && t > 0);
  if (positive.length === 0) return NO_RULE_MULTIPLIER;
  if (lastCount === undefined || !Number.isFinite(lastCount)) return 1;
  const lowest = Math.min(...positive);
  return ADAPTIVE_GRADES.find((g) => lastCount < g.belowFraction * lowest)?.multiplier ?? 1;
}

const toMillis = (t: string | Date): number => (typeof t === 'string' ? Date.parse(t) : t.getTime());

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Seconds from `now` to the next local `window.from`, counted on the local wall clock (exact in zones without
 * daylight saving such as Asia/Ho_Chi_Minh; off by the DST shift on a changeover night elsewhere).
 */
function secondsUntilOpen(now: string | Date, window: LocalWindow, timeZone: string): number {
  const p = localParts(now, timeZone);
  const nowSeconds = Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second);
  const openSeconds = minutesOf(window.from) * 60;
  return (openSeconds - nowSeconds + 86_400) % 86_400;
}
