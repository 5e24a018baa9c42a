// People counting from Rekognition answers: DetectLabels request shape, frame counts from fixtures, clip counts.
import { readFileSync } from 'node:fs';
import type { DetectLabelsResponse, GetLabelDetectionResponse } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import type { Polygon } from '../../lambdas/shared/domain/geometry.ts';
import {
  countPeople,
  detectLabelsRequestFor,
  perSecondCounts,
} from '../../lambdas/shared/domain/people-count.ts';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/rekognition/${name}.json`, import.meta.url), 'utf8')) as T;
}

const FULL: Polygon = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];

// Fixtures are unfiltered answers (as without LabelInclusionFilters) so they exercise the sub-label traps.
const withSubLabels = fixture<DetectLabelsResponse>('detect-labels-person-sublabels');
const noPeople = fixture<DetectLabelsResponse>('detect-labels-no-people');
const outsideRoi = fixture<DetectLabelsResponse>('detect-labels-people-outside-roi');
const page1 = fixture<GetLabelDetectionResponse>('get-label-detection-page-1');
const page2 = fixture<GetLabelDetectionResponse>('get-label-detection-page-2');

describe('detectLabelsRequestFor', () => {
  it('asks for Person general labels of an S3 object, without image bytes', () => {
    const req = detectLabelsRequestFor('frames-bucket', 'frames/cam-dn-001/2026/11/25/153000.jpg', 80);
    expect(req).toEqual({
      Image: { S3Object: { Bucket: 'frames-bucket', Name: 'frames/cam-dn-001/2026/11/25/153000.jpg' } },
      Features: ['GENERAL_LABELS'],
      Settings: { GeneralLabels: { LabelInclusionFilters: ['Person'] } },
      MinConfidence: 80,
      MaxLabels: 10,
    });
    expect(req.Image?.Bytes).toBeUndefined();
    expect(req.Features).not.toContain('IMAGE_PROPERTIES');
  });
});

describe('countPeople', () => {
  it('counts only the Person instances: Adult, Man, Woman, Male, Female repeat the same boxes', () => {
    const result = countPeople(withSubLabels, FULL, 80);
    expect(result.count).toBe(3);
    const subLabelBoxes = withSubLabels.Labels!.filter((l) => l.Name !== 'Person').flatMap((l) => l.Instances ?? []);
    expect(subLabelBoxes.length).toBe(9); // would have been 12 people if sub-labels were added in
  });

  it('returns boxes rounded to 4 decimals and the mean confidence to 1 decimal', () => {
    const result = countPeople(withSubLabels, FULL, 80);
    expect(result.boxes).toEqual([
      [0.1004, 0.3001, 0.0803, 0.3512],
      [0.4198, 0.2803, 0.0712, 0.3297],
      [0.7312, 0.35, 0.0601, 0.2998],
    ]);
    expect(result.confidence).toBe(95); // (99.14 + 97.62 + 88.37) / 3 = 95.04
  });

  it('applies the confidence floor to each instance, inclusive', () => {
    expect(countPeople(withSubLabels, FULL, 55).count).toBe(4);
    expect(countPeople(withSubLabels, FULL, 61.73).count).toBe(4);
    expect(countPeople(withSubLabels, FULL, 61.74).count).toBe(3);
    expect(countPeople(withSubLabels, FULL, 99.15)).toEqual({ count: 0, boxes: [], confidence: null });
  });

  it('counts nobody when there is no Person label (cars are not people)', () => {
    expect(countPeople(noPeople, FULL, 50)).toEqual({ count: 0, boxes: [], confidence: null });
    expect(countPeople({ Labels: [], LabelModelVersion: '3.0' }, FULL, 50).count).toBe(0);
    expect(countPeople({}, FULL, 50).count).toBe(0);
  });

  it('counts only people whose box centre lies in the ROI, the border included', () => {
    const walkway: Polygon = [
      [0, 0.5],
      [0.6, 0.5],
      [0.6, 1],
      [0, 1],
    ];
    const result = countPeople(outsideRoi, walkway, 80);
    expect(result.count).toBe(3); // two well inside, one centred exactly on x = 0.6
    expect(result.boxes).toEqual([
      [0.12, 0.6, 0.06, 0.25],
      [0.3, 0.55, 0.05, 0.22],
      [0.55, 0.45, 0.1, 0.3],
    ]);
    expect(result.confidence).toBe(95.6); // (98.9 + 95.47 + 92.31) / 3 = 95.56
    expect(countPeople(outsideRoi, FULL, 80).count).toBe(6);
  });

  it('skips instances without a confidence or a complete box (they cannot be checked)', () => {
    const response: DetectLabelsResponse = {
      Labels: [
        {
          Name: 'Person',
          Confidence: 99,
          Instances: [
            { BoundingBox: { Left: 0.1, Top: 0.1, Width: 0.1, Height: 0.2 } },
            { Confidence: 99 },
            { BoundingBox: { Left: 0.1, Top: 0.1, Width: 0.1 }, Confidence: 99 },
            { BoundingBox: { Left: 0.5, Top: 0.5, Width: 0.1, Height: 0.2 }, Confidence: 99 },
          ],
        },
      ],
    };
    expect(countPeople(response, FULL, 50)).toEqual({ count: 1, boxes: [[0.5, 0.5, 0.1, 0.2]], confidence: 99 });
  });
});

describe('perSecondCounts', () => {
  it('takes the most Person instances per second across pages and fills unseen seconds of the clip with 0', () => {
    expect(page1.NextToken).toBeTruthy();
    expect(page2.NextToken).toBeUndefined();
    expect(perSecondCounts([page1, page2])).toEqual([
      { second: 0, count: 3 }, // 0 ms: 2, 500 ms: 3 (the Adult entry at 0 ms is not added)
      { second: 1, count: 4 }, // 1000: 1, 1500: 4 (page 1), 1800: 2 (page 2)
      { second: 2, count: 2 }, // 2000: 2; the Car at 2500 is not a person
      { second: 3, count: 5 }, // 3500: 5; the Crowd sub-label adds nothing
      { second: 4, count: 0 }, // DurationMillis 5000: nobody seen in the last second
    ]);
  });

  it('applies the confidence floor and the ROI when given', () => {
    expect(perSecondCounts([page1, page2], { minConfidence: 80 }).find((s) => s.second === 1)).toEqual({
      second: 1,
      count: 3, // the 60.4 % instance at 1500 ms drops out
    });
    const leftHalf: Polygon = [
      [0, 0],
      [0.5, 0],
      [0.5, 1],
      [0, 1],
    ];
    expect(perSecondCounts([page1, page2], { roi: leftHalf }).map((s) => s.count)).toEqual([1, 1, 1, 2, 0]);
  });

  it('does not double-count a page passed twice, and does not depend on page order', () => {
    expect(perSecondCounts([page1, page2, page2])).toEqual(perSecondCounts([page1, page2]));
    expect(perSecondCounts([page2, page1])).toEqual(perSecondCounts([page1, page2]));
  });

  it('returns only the seconds with entries when the duration is unknown', () => {
    const { VideoMetadata: _omit, ...bare } = page2;
    expect(perSecondCounts([bare])).toEqual([
      { second: 1, count: 2 },
      { second: 2, count: 2 },
      { second: 3, count: 5 },
    ]);
  });

  it('refuses pages of a job that has not succeeded', () => {
    expect(() => perSecondCounts([page1, { ...page2, JobStatus: 'IN_PROGRESS' }])).toThrow(
      /page 1 has JobStatus IN_PROGRESS, expected SUCCEEDED/,
    );
  });
});
