// Counting people in Rekognition label results: the DetectLabels request, per-frame counts and per-second clip counts.
import type {
  DetectLabelsRequest,
  DetectLabelsResponse,
  GetLabelDetectionResponse,
  Instance,
  Label,
} from '@aws-sdk/client-rekognition';
import { boxCentre, pointInPolygon, type Polygon } from './geometry.ts';

/** The one label whose instances are counted. Its sub-labels (Adult, Man, Woman, Child, …) repeat the same boxes. */
export const PERSON_LABEL = 'Person';

/**
 * `MaxLabels` for DetectLabels. The inclusion filter already narrows the answer to Person, and the price is per
 * image whatever the label count; a small cap only keeps the response small if the service ever adds related labels.
 */
export const DETECT_LABELS_MAX_LABELS = 10;

/** A box `[left, top, width, height]` in normalized frame coordinates, rounded to 4 decimals. */
export type Box = [number, number, number, number];

/** People counted in one frame (or one moment of a clip). Counts and boxes only: nobody is identified. */
export interface PeopleCount {
  /** Person instances at or above the confidence floor whose box centre lies inside the ROI. */
  readonly count: number;
  /** Their boxes, in response order. */
  readonly boxes: Box[];
  /** Mean instance confidence (0..100) of the counted people, 1 decimal; `null` when nobody is counted. */
  readonly confidence: number | null;
}

/**
 * The DetectLabels input for one frame in S3: the image is read by Rekognition from the bucket (no bytes through
 * the Lambda), only general labels, only `Person`. `MinConfidence` here filters labels by the *label* confidence;
 * {@link countPeople} still applies the floor to each *instance*.
 */
export function detectLabelsRequestFor(bucket: string, key: string, minConfidence: number): DetectLabelsRequest {
  return {
    Image: { S3Object: { Bucket: bucket, Name: key } },
    Features: ['GENERAL_LABELS'],
    Settings: { GeneralLabels: { LabelInclusionFilters: [PERSON_LABEL] } },
    MinConfidence: minConfidence,
    MaxLabels: DETECT_LABELS_MAX_LABELS,
  };
}

/**
 * People in one DetectLabels answer: only the instances of the label named exactly `Person` are counted — never
 * its sub-labels (Adult, Man, Woman, Child) nor any label whose `Parents` include Person, which repeat the same
 * boxes. An instance counts when its `Confidence` is at least `minConfidence` and its box centre lies inside `roi`
 * (on the border counts as inside, see `pointInPolygon`). An instance without a confidence or a complete box
 * cannot be checked and is not counted.
 */
export function countPeople(response: DetectLabelsResponse, roi: Polygon, minConfidence: number): PeopleCount {
  return countInstances(personLabel(response.Labels)?.Instances, roi, minConfidence);
}

/** One second of a clip: the most people seen at any analysed moment within it. */
export interface SecondCount {
  /** Whole seconds from the start of the clip. */
  readonly second: number;
  readonly count: number;
}

/** Optional filters for {@link perSecondCounts}; by default every Person instance Rekognition returned counts. */
export interface PerSecondOptions {
  /** Only people whose box centre lies inside this polygon. */
  readonly roi?: Polygon;
  /** Only instances at or above this confidence (0..100). */
  readonly minConfidence?: number;
}

/**
 * Per-second people counts from the pages of one GetLabelDetection job (`AggregateBy: TIMESTAMPS`, the default):
 * at each timestamp the Person instances are counted (sub-labels ignored, as in {@link countPeople}), and each
 * second takes the maximum over its timestamps. Rekognition Video reports a timestamp only where it saw a label, so
 * when the pages give `VideoMetadata.DurationMillis`, every second of the clip without a Person entry is reported as
 * 0 (nobody seen); without a duration only the seconds that have entries are returned. Sorted by second.
 *
 * @throws Error when a page's `JobStatus` is not `SUCCEEDED` (the counts would be partial).
 */
export function perSecondCounts(
  pages: ReadonlyArray<GetLabelDetectionResponse>,
  options: PerSecondOptions = {},
): SecondCount[] {
  const roi = options.roi ?? FULL_FRAME;
  const floor = options.minConfidence ?? 0;
  const perSecond = new Map<number, number>();
  let durationMillis: number | undefined;
  for (const [i, page] of pages.entries()) {
    if (page.JobStatus !== 'SUCCEEDED') {
      throw new Error(`GetLabelDetection page ${i} has JobStatus ${page.JobStatus ?? '(none)'}, expected SUCCEEDED`);
    }
    durationMillis ??= page.VideoMetadata?.DurationMillis;
    for (const detection of page.Labels ?? []) {
      if (detection.Label?.Name !== PERSON_LABEL) continue;
      const ts = detection.Timestamp ?? detection.StartTimestampMillis;
      if (ts === undefined || !Number.isFinite(ts) || ts < 0) continue;
      const { count } = countInstances(detection.Label.Instances, roi, floor);
      // Max, never sum: one (timestamp, Person) entry per moment, and a page passed twice changes nothing.
      const second = Math.floor(ts / 1000);
      perSecond.set(second, Math.max(perSecond.get(second) ?? 0, count));
    }
  }
  if (durationMillis !== undefined && durationMillis > 0) {
    for (let s = 0; s < Math.ceil(durationMillis / 1000); s++) if (!perSecond.has(s)) perSecond.set(s, 0);
  }
  return [...perSecond].sort(([a], [b]) => a - b).map(([second, count]) => ({ second, count }));
}

const FULL_FRAME: Polygon = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];

function personLabel(labels: ReadonlyArray<Label> | undefined): Label | undefined {
  return labels?.find((l) => l.Name === PERSON_LABEL);
}

function countInstances(instances: ReadonlyArray<Instance> | undefined, roi: Polygon, minConfidence: number): PeopleCount {
  const boxes: Box[] = [];
  let confidenceSum = 0;
  for (const instance of instances ?? []) {
    const confidence = instance.Confidence;
    if (typeof confidence !== 'number' || !(confidence >= minConfidence)) continue;
    const centre = boxCentre(instance.BoundingBox);
    if (!centre || !pointInPolygon(centre, roi)) continue;
    const { Left, Top, Width, Height } = instance.BoundingBox!;
    boxes.push([round(Left!, 4), round(Top!, 4), round(Width!, 4), round(Height!, 4)]);
    confidenceSum += confidence;
  }
  return {
    count: boxes.length,
    boxes,
    confidence: boxes.length === 0 ? null : round(confidenceSum / boxes.length, 1),
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f + 0; // + 0 turns -0 into 0
}
