// Benchmark: Rekognition calls per camera-night with the analyzer's guards on vs analysing every frame, and whether
// the simulator's night crowds are still detected by the crowd rules, and how late.
//
// Each camera of the sample provinces is played through a simulated night (local/simulator/scenario.ts) frame by frame
// every `intervalSeconds`, and each frame goes through the analyzer's own decision functions in the analyzer's order:
// samplingDecision (active hours, adaptive sampling) → frameSignature + gateDecision on the rendered JPEG (change
// gating) → "DetectLabels" answered from the frame's ground truth the way the local Rekognition answers it
// (local/rekognition-server.ts) → countPeople in the ROI. The observations (analysed and carried) are judged by the
// crowd rule with rules.ts `evaluate`, as the stream processor would; the same is done with every frame analysed.
import type { DetectLabelsResponse } from '@aws-sdk/client-rekognition';
import { crowdThresholds } from '../lambdas/analyze-frame/analyze-frame.ts';
import { GATE_DEFAULTS, frameSignature, gateDecision, type FrameSignature } from '../lambdas/shared/domain/frame-signature.ts';
import type { Polygon } from '../lambdas/shared/domain/geometry.ts';
import type { Observation } from '../lambdas/shared/domain/observation.ts';
import { countPeople, PERSON_LABEL } from '../lambdas/shared/domain/people-count.ts';
import { evaluate, type CrowdRule, type RuleState } from '../lambdas/shared/domain/rules.ts';
import { samplingDecision } from '../lambdas/shared/domain/sampling.ts';
import { loadProvinceConfig } from '../lib/config/load.ts';
import type { Camera, ProvinceConfig } from '../lib/config/schema.ts';
import { simulatedConfidence } from '../local/rekognition-server.ts';
import { hashParts } from '../local/simulator/random.ts';
import { cameraView, crowdPlans, localInstant } from '../local/simulator/scenario.ts';
import { renderFrame } from '../local/simulator/scene.ts';
import { median, note, round, writeResult } from './util.ts';

/** Frame size the benchmark renders (signature distances barely depend on it; see bench/README.md). */
const FRAME = { width: Number(process.env.BENCH_FRAME_WIDTH ?? 160), height: Number(process.env.BENCH_FRAME_HEIGHT ?? 90) };
const SEEDS = (process.env.BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
/** The evening the nights start on (local date); every seed plays the same calendar night. */
const EVENING = '2026-11-25';
const NIGHT_HOURS = 12;

type Outcome = 'analysed' | 'carried' | 'inactive-hours' | 'adaptive-skip' | 'too-soon';

/** A DetectLabels answer from a frame's ground truth: every person with the local Rekognition's confidence. */
function detectLabels(people: ReadonlyArray<readonly [number, number, number, number]>, minConfidence: number): DetectLabelsResponse {
  const instances = people
    .map((b) => ({ BoundingBox: { Left: b[0], Top: b[1], Width: b[2], Height: b[3] }, Confidence: simulatedConfidence([b[0], b[1], b[2], b[3]]) }))
    .filter((i) => i.Confidence >= minConfidence);
  if (instances.length === 0) return { Labels: [] };
  return { Labels: [{ Name: PERSON_LABEL, Confidence: Math.max(...instances.map((i) => i.Confidence)), Instances: instances }] };
}

interface Episode {
  readonly cameraId: string;
  readonly seed: number;
  readonly minPeople: number;
  readonly peak: number;
  readonly aboveFrom: number;
  readonly aboveMinutes: number;
  /** The first frame whose true count in the ROI reached minPeople: when the crowd became one by the rule's measure. */
  crowdAt?: number;
  detectedAt?: number;
  continuousDetectedAt?: number;
}

interface NightResult {
  readonly calls: number;
  readonly frames: number;
  readonly outcomes: Record<Outcome, number>;
  readonly rendered: number;
  readonly episodes: Episode[];
  readonly falseIncidents: number;
  readonly continuousFalseIncidents: number;
}

/** One camera through one night (18:00 → 06:00 local) and the following day, guards as configured. */
function playNight(config: ProvinceConfig, camera: Camera, seed: number): NightResult {
  const tz = config.timezone;
  const rule = config.rules.find((r): r is CrowdRule => r.kind === 'crowd' && r.enabled && r.zone === camera.zone)!;
  const thresholds = crowdThresholds(config.rules, camera.zone);
  const options = { seed, episodes: false, daytimeCrowd: true, frameAspect: FRAME.width / FRAME.height };
  const start = localInstant(EVENING, 18 * 60, tz);
  const end = start + NIGHT_HOURS * 3_600_000;
  const period = camera.intervalSeconds * 1000;
  const phase = (hashParts(seed, 'phase', camera.id) % camera.intervalSeconds) * 1000;
  const renderSeed = hashParts(seed, 'camera', camera.id);

  const plans = crowdPlans(config, camera.id, start + 6 * 3_600_000, options).filter((p) => p.kind === 'night' && p.aboveFrom >= start && p.aboveFrom < end);
  const episodes: Episode[] = plans.map((p) => ({ cameraId: camera.id, seed, minPeople: p.minPeople, peak: p.peak, aboveFrom: p.aboveFrom, aboveMinutes: round((p.aboveUntil - p.aboveFrom) / 60_000, 1) }));
  const episodeAt = (t: number) => plans.findIndex((p) => t >= p.start && t < p.end);

  const outcomes: Record<Outcome, number> = { analysed: 0, carried: 0, 'inactive-hours': 0, 'adaptive-skip': 0, 'too-soon': 0 };
  let last: { at: number; count: number; signature: FrameSignature | null } | undefined;
  let guarded: RuleState | undefined;
  let continuous: RuleState | undefined;
  let falseIncidents = 0;
  let continuousFalseIncidents = 0;
  let rendered = 0;
  let frames = 0;

  const judge = (state: RuleState | undefined, t: number, value: number, id: string): { state: RuleState; opened: boolean } => {
    const o: Observation = { v: 1, id, source: camera.id, kind: 'people_count', zone: camera.zone, ts: new Date(t).toISOString(), value };
    const r = evaluate(rule, state, o, tz);
    return { state: r.state, opened: r.effect.type === 'open' };
  };

  for (let t = start + phase; t < end; t += period) {
    frames++;
    const view = cameraView(config, camera.id, t, options);
    const truth = countPeople(detectLabels(view.people, camera.minConfidence), camera.roi as Polygon, camera.minConfidence).count;
    const id = `frame-${camera.id}-${t}`;
    const during = episodeAt(t);
    if (during >= 0 && truth >= rule.minPeople) episodes[during]!.crowdAt ??= t;

    // Every frame analysed: the reference the guards are compared with.
    const c = judge(continuous, t, truth, id);
    continuous = c.state;
    if (c.opened) {
      const e = episodeAt(t);
      if (e >= 0) episodes[e]!.continuousDetectedAt ??= t;
      else continuousFalseIncidents++;
    }

    // The analyzer's guards, in its order.
    const sampling = samplingDecision({ now: new Date(t), camera, lastAnalysedAt: last ? new Date(last.at) : undefined, lastCount: last?.count, zoneThresholds: thresholds, timezone: tz });
    let value: number;
    if (!sampling.analyse) {
      outcomes[sampling.reason as Outcome]++;
      continue;
    }
    let signature: FrameSignature | null = null;
    let carried: number | undefined;
    if (camera.guards.changeGating) {
      const frame = renderFrame({ width: FRAME.width, height: FRAME.height, people: view.people, seed: renderSeed, frameNo: Math.floor(t / period) });
      rendered++;
      signature = frameSignature(frame.jpeg);
      const gate = gateDecision({
        now: new Date(t),
        current: signature,
        last: last ? { signature: last.signature, analysedAt: new Date(last.at), count: last.count } : undefined,
        threshold: GATE_DEFAULTS.threshold,
        maxAgeSeconds: GATE_DEFAULTS.maxAgeSeconds,
      });
      if (!gate.analyse) carried = gate.carriedCount;
    }
    if (carried !== undefined) {
      outcomes.carried++;
      value = carried;
    } else {
      outcomes.analysed++;
      value = truth;
      last = { at: t, count: truth, signature };
    }
    const g = judge(guarded, t, value, id);
    guarded = g.state;
    if (g.opened) {
      const e = episodeAt(t);
      if (e >= 0) episodes[e]!.detectedAt ??= t;
      else falseIncidents++;
    }
  }
  return { calls: outcomes.analysed, frames, outcomes, rendered, episodes, falseIncidents, continuousFalseIncidents };
}

/** The sample provinces' cameras that watch a zone with a crowd rule. */
function crowdCameras(config: ProvinceConfig): Camera[] {
  return config.cameras.filter((c) => config.rules.some((r) => r.kind === 'crowd' && r.enabled && r.zone === c.zone));
}

/** Da Nang's config with its crowd rules' `minPeople` scaled: smaller and larger crowds on the same streets. */
function withCrowdSize(config: ProvinceConfig, factor: number): ProvinceConfig {
  return { ...config, rules: config.rules.map((r) => (r.kind === 'crowd' ? { ...r, minPeople: Math.max(3, Math.round(r.minPeople * factor)) } : r)) };
}

const started = performance.now();
const daNang = loadProvinceConfig('provinces/da-nang.json');
const hue = loadProvinceConfig('provinces/hue.json');
const variants: Array<{ name: string; config: ProvinceConfig; seeds: number[] }> = [
  { name: 'da-nang', config: daNang, seeds: SEEDS },
  { name: 'hue', config: hue, seeds: SEEDS.slice(0, 1) },
  { name: 'da-nang-small, crowd rules at 0.5× (minPeople 8 / 12)', config: withCrowdSize(daNang, 0.5), seeds: SEEDS.slice(0, 1) },
  { name: 'da-nang-large, crowd rules at 1.6× (minPeople 24 / 40)', config: withCrowdSize(daNang, 1.6), seeds: SEEDS.slice(1, 2) },
].filter((v) => !process.env.BENCH_VARIANTS || process.env.BENCH_VARIANTS.split(',').includes(v.name.split(',')[0]!));

const nights: Array<NightResult & { province: string; cameraId: string; seed: number }> = [];
for (const v of variants) {
  for (const camera of crowdCameras(v.config)) {
    for (const seed of v.seeds) {
      const t0 = performance.now();
      const r = playNight(v.config, camera, seed);
      nights.push({ ...r, province: v.name, cameraId: camera.id, seed });
      const e = r.episodes.map((x) => (x.detectedAt ? `detected +${round((x.detectedAt - (x.crowdAt ?? x.aboveFrom)) / 1000, 0)} s` : 'missed')).join(', ');
      note(`${v.name} ${camera.id} seed ${seed}: ${r.calls} calls of ${r.frames} frames, ${r.outcomes.carried} carried, ${r.outcomes['adaptive-skip']} adaptive skips; episode ${e} (${round((performance.now() - t0) / 1000, 1)} s, ${r.rendered} frames rendered)`);
    }
  }
}

const episodes = nights.flatMap((n) => n.episodes);
const detected = episodes.filter((e) => e.detectedAt !== undefined);
const continuousDetected = episodes.filter((e) => e.continuousDetectedAt !== undefined);
const delayOf = (at: number | undefined, e: Episode) => (at === undefined ? null : round((at - (e.crowdAt ?? e.aboveFrom)) / 1000, 1));
const delays = detected.map((e) => delayOf(e.detectedAt, e)!);
const continuousDelays = continuousDetected.map((e) => delayOf(e.continuousDetectedAt, e)!);
const addedDelays = detected.filter((e) => e.continuousDetectedAt !== undefined).map((e) => (e.detectedAt! - e.continuousDetectedAt!) / 1000);
const sum = (k: Outcome) => nights.reduce((s, n) => s + n.outcomes[k], 0);
const cameraNights = nights.length;
const framesPerNight = nights.reduce((s, n) => s + n.frames, 0) / cameraNights;
const callsPerNight = sum('analysed') / cameraNights;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

writeResult({
  cameraNights,
  nightHours: NIGHT_HOURS,
  frameSize: `${FRAME.width}x${FRAME.height}`,
  seeds: SEEDS,
  callsPerCameraNight: round(callsPerNight, 1),
  continuousCallsPerCameraNight: round(framesPerNight, 1),
  reduction: round(framesPerNight / callsPerNight, 1),
  episodes: episodes.length,
  episodesDetected: detected.length,
  episodesDetectedContinuous: continuousDetected.length,
  episodesVisible: episodes.filter((e) => e.crowdAt !== undefined).length,
  falseIncidents: nights.reduce((s, n) => s + n.falseIncidents, 0),
  continuousFalseIncidents: nights.reduce((s, n) => s + n.continuousFalseIncidents, 0),
  meanDetectionDelaySeconds: round(mean(delays), 1),
  medianDetectionDelaySeconds: delays.length ? round(median(delays), 1) : null,
  maxDetectionDelaySeconds: delays.length ? Math.max(...delays) : null,
  crowdStart: 'the first frame whose true count in the ROI reached the rule minPeople',
  continuousMeanDetectionDelaySeconds: round(mean(continuousDelays), 1),
  meanDelayAddedByGuardsSeconds: round(mean(addedDelays), 1),
  savingsByGuard: {
    // Calls each guard avoided, as a share of analysing every frame (they add up with the calls made to 100 %).
    activeHours: round(sum('inactive-hours') / cameraNights / framesPerNight, 4),
    changeGating: round(sum('carried') / cameraNights / framesPerNight, 4),
    adaptiveSampling: round(sum('adaptive-skip') / cameraNights / framesPerNight, 4),
  },
  framesPerCameraNight: {
    analysed: round(callsPerNight, 1),
    carried: round(sum('carried') / cameraNights, 1),
    adaptiveSkip: round(sum('adaptive-skip') / cameraNights, 1),
    inactiveHours: round(sum('inactive-hours') / cameraNights, 1),
    tooSoon: round(sum('too-soon') / cameraNights, 1),
  },
  perNight: nights.map((n) => ({
    province: n.province,
    camera: n.cameraId,
    seed: n.seed,
    calls: n.calls,
    frames: n.frames,
    episodes: n.episodes.map((e) => ({
      minPeople: e.minPeople,
      peak: e.peak,
      aboveMinutes: e.aboveMinutes,
      visible: e.crowdAt !== undefined,
      delaySeconds: delayOf(e.detectedAt, e),
      continuousDelaySeconds: delayOf(e.continuousDetectedAt, e),
    })),
  })),
  seconds: round((performance.now() - started) / 1000, 1),
});
