// ROI geometry: point-in-polygon (edges, concave shapes, properties against a rectangle) and box centres.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EDGE_EPSILON,
  boxCentre,
  isValidPolygon,
  pointInPolygon,
  polygonIssues,
  signedArea,
  type Point,
  type Polygon,
} from '../../lambdas/shared/domain/geometry.ts';

const square: Polygon = [
  [0.2, 0.2],
  [0.8, 0.2],
  [0.8, 0.8],
  [0.2, 0.8],
];

// A U: two uprights joined at the bottom; the notch (0.4..0.6 across, 0.1..0.7 down) is outside.
const uShape: Polygon = [
  [0.1, 0.1],
  [0.4, 0.1],
  [0.4, 0.7],
  [0.6, 0.7],
  [0.6, 0.1],
  [0.9, 0.1],
  [0.9, 0.9],
  [0.1, 0.9],
];

describe('pointInPolygon', () => {
  it('tells inside from outside for a convex polygon', () => {
    expect(pointInPolygon([0.5, 0.5], square)).toBe(true);
    expect(pointInPolygon([0.1, 0.5], square)).toBe(false);
    expect(pointInPolygon([0.5, 0.95], square)).toBe(false);
  });

  it('counts points on an edge or a vertex as inside, whatever the winding', () => {
    const reversed = [...square].reverse();
    for (const poly of [square, reversed]) {
      expect(pointInPolygon([0.2, 0.5], poly)).toBe(true); // left edge
      expect(pointInPolygon([0.8, 0.5], poly)).toBe(true); // right edge (a ray to +x starts on it)
      expect(pointInPolygon([0.5, 0.2], poly)).toBe(true); // top edge (horizontal)
      expect(pointInPolygon([0.5, 0.8], poly)).toBe(true); // bottom edge (horizontal)
      expect(pointInPolygon([0.8, 0.8], poly)).toBe(true); // vertex
      expect(pointInPolygon([0.8 + 1e-6, 0.5], poly)).toBe(false); // a hair outside is outside
    }
  });

  it('treats a box centre landing on the ROI edge as inside, despite floating-point error', () => {
    const roi: Polygon = [
      [0, 0.5],
      [0.6, 0.5],
      [0.6, 1],
      [0, 1],
    ];
    const centre = boxCentre({ Left: 0.55, Top: 0.45, Width: 0.1, Height: 0.3 })!;
    expect(centre[0]).not.toBe(0.6); // 0.55 + 0.05 is 0.6000000000000001 in binary floating point
    expect(centre[0]).toBeCloseTo(0.6, 12);
    expect(pointInPolygon(centre, roi)).toBe(true);
  });

  it('excludes the notch of a concave (U-shaped) polygon although it lies inside its bounding box', () => {
    expect(pointInPolygon([0.5, 0.4], uShape)).toBe(false); // in the notch
    expect(pointInPolygon([0.5, 0.8], uShape)).toBe(true); // the bottom bar
    expect(pointInPolygon([0.25, 0.4], uShape)).toBe(true); // left upright
    expect(pointInPolygon([0.75, 0.4], uShape)).toBe(true); // right upright
    expect(pointInPolygon([0.5, 0.7], uShape)).toBe(true); // on the notch floor edge
    expect(pointInPolygon([0.25, 0.1], uShape)).toBe(true); // a ray along the top edge through vertices
  });

  it('accepts a closed ring that repeats its first vertex', () => {
    const ring: Polygon = [...square, square[0]!];
    expect(pointInPolygon([0.5, 0.5], ring)).toBe(true);
    expect(pointInPolygon([0.9, 0.5], ring)).toBe(false);
    expect(polygonIssues(ring)).toEqual([]);
  });

  it('answers false for non-finite points and an empty polygon', () => {
    expect(pointInPolygon([Number.NaN, 0.5], square)).toBe(false);
    expect(pointInPolygon([0.5, 0.5], [])).toBe(false);
  });

  const coord = fc.double({ min: 0, max: 1, noNaN: true });
  const rect = fc
    .tuple(coord, coord, coord, coord)
    .filter(([a, b, c, d]) => Math.abs(a - b) > 1e-6 && Math.abs(c - d) > 1e-6)
    .map(([a, b, c, d]) => ({ x0: Math.min(a, b), x1: Math.max(a, b), y0: Math.min(c, d), y1: Math.max(c, d) }));
  const asPolygon = (r: { x0: number; x1: number; y0: number; y1: number }): Polygon => [
    [r.x0, r.y0],
    [r.x1, r.y0],
    [r.x1, r.y1],
    [r.x0, r.y1],
  ];

  it('agrees with a rectangle test for any rectangle and point (property)', () => {
    fc.assert(
      fc.property(rect, coord, coord, fc.boolean(), (r, x, y, reverse) => {
        const poly = reverse ? [...asPolygon(r)].reverse() : asPolygon(r);
        const expected = x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
        // Within EDGE_EPSILON outside an edge counts as on it (inside): the band is left to the edge property.
        const gap = Math.max(r.x0 - x, x - r.x1, r.y0 - y, y - r.y1);
        fc.pre(expected || gap > EDGE_EPSILON);
        expect(pointInPolygon([x, y], poly)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts every point of a rectangle edge as inside (property)', () => {
    fc.assert(
      fc.property(rect, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3 }), (r, t, side) => {
        const points: Point[] = [
          [r.x0 + t * (r.x1 - r.x0), r.y0],
          [r.x1, r.y0 + t * (r.y1 - r.y0)],
          [r.x0 + t * (r.x1 - r.x0), r.y1],
          [r.x0, r.y0 + t * (r.y1 - r.y0)],
        ];
        expect(pointInPolygon(points[side]!, asPolygon(r))).toBe(true);
      }),
    );
  });

  it('gives the same answer for every rotation of the vertex list (property)', () => {
    fc.assert(
      fc.property(coord, coord, fc.integer({ min: 0, max: uShape.length - 1 }), (x, y, k) => {
        const rotated = [...uShape.slice(k), ...uShape.slice(0, k)];
        expect(pointInPolygon([x, y], rotated)).toBe(pointInPolygon([x, y], uShape));
      }),
    );
  });
});

describe('boxCentre', () => {
  it('is the middle of a Rekognition bounding box', () => {
    const [x, y] = boxCentre({ Left: 0.1, Top: 0.3, Width: 0.08, Height: 0.36 })!;
    expect(x).toBeCloseTo(0.14, 12);
    expect(y).toBeCloseTo(0.48, 12);
  });

  it('is not clamped when a box reaches outside the frame', () => {
    const [x, y] = boxCentre({ Left: -0.04, Top: 0.9, Width: 0.06, Height: 0.3 })!;
    expect(x).toBeCloseTo(-0.01, 12);
    expect(y).toBeCloseTo(1.05, 12);
  });

  it('is null for a missing box or a missing or non-finite field', () => {
    expect(boxCentre(undefined)).toBeNull();
    expect(boxCentre({ Left: 0.1, Top: 0.2, Width: 0.3 })).toBeNull();
    expect(boxCentre({ Left: 0.1, Top: 0.2, Width: Number.NaN, Height: 0.1 })).toBeNull();
  });
});

describe('polygon validity', () => {
  it('accepts convex and concave simple polygons', () => {
    expect(isValidPolygon(square)).toBe(true);
    expect(isValidPolygon(uShape)).toBe(true);
  });

  it('reports too few vertices, out-of-frame vertices, repeats, zero area and self-intersection', () => {
    expect(polygonIssues([[0, 0], [1, 1]])[0]).toMatch(/at least 3 vertices/);
    expect(polygonIssues([[0, 0], [1.2, 0], [1, 1]])[0]).toMatch(/outside the frame/);
    expect(polygonIssues([[0, 0], [0, 0], [1, 0], [1, 1]])[0]).toMatch(/repeat the same point/);
    expect(polygonIssues([[0, 0], [0.5, 0.5], [1, 1]])).toContain('the polygon has no area (its vertices are collinear)');
    const bowTie: Polygon = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
    ];
    expect(polygonIssues(bowTie).some((m) => /cross or touch/.test(m))).toBe(true);
    expect(isValidPolygon(bowTie)).toBe(false);
  });

  it('computes the signed area by winding', () => {
    expect(signedArea(square)).toBeCloseTo(0.36, 12);
    expect(signedArea([...square].reverse())).toBeCloseTo(-0.36, 12);
  });
});
