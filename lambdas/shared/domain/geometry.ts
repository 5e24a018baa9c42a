// Plane geometry in normalized frame coordinates (0..1, origin top-left): ROI polygons and Rekognition boxes.
import type { BoundingBox } from '@aws-sdk/client-rekognition';

/** A point `[x, y]` in normalized frame coordinates: x grows to the right, y grows downwards. */
export type Point = readonly [number, number];

/**
 * A polygon as its vertices in order (either winding). The closing edge from the last vertex back to the
 * first is implied; a ring that repeats its first vertex at the end (GeoJSON style) is accepted too.
 */
export type Polygon = ReadonlyArray<Point>;

/**
 * How close (in normalized units) a point must be to an edge to count as lying on it: 1e-9 of the frame,
 * far below one pixel of any camera, and large enough to absorb floating-point error in `Left + Width / 2`.
 */
export const EDGE_EPSILON = 1e-9;

/**
 * Whether `point` lies inside `polygon`, by the even-odd rule (ray casting), so concave polygons work.
 *
 * Edge rule: a point on an edge or on a vertex (within {@link EDGE_EPSILON}) is **inside**. A person whose box
 * centre sits exactly on the ROI border is counted, and the answer does not depend on which way the ray is cast
 * or on the polygon's winding. Away from the border, self-intersecting polygons follow even-odd (overlaps are
 * holes); use {@link polygonIssues} to reject them in config.
 */
export function pointInPolygon(point: Point, polygon: Polygon): boolean {
  const [x, y] = point;
  const n = polygon.length;
  if (n === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return false;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (distanceToSegment(point, polygon[j]!, polygon[i]!) <= EDGE_EPSILON) return true;
    // Half-open test (one endpoint above, the other at or below) so a ray through a vertex counts once.
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Centre `[Left + Width / 2, Top + Height / 2]` of a Rekognition bounding box (normalized, not clamped:
 * Rekognition may return a box reaching slightly outside the frame). `null` when a field is missing or not finite.
 */
export function boxCentre(box: BoundingBox | undefined): Point | null {
  if (!box) return null;
  const { Left, Top, Width, Height } = box;
  if (![Left, Top, Width, Height].every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  return [Left! + Width! / 2, Top! + Height! / 2];
}

/** Signed area by the shoelace formula: positive when the vertices run clockwise on screen (y down). */
export function signedArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    twice += polygon[j]![0] * polygon[i]![1] - polygon[i]![0] * polygon[j]![1];
  }
  return twice / 2;
}

/**
 * What is wrong with `polygon` as a region of interest, as readable messages; empty when it is usable:
 * at least 3 distinct vertices, finite coordinates in 0..1, no repeated consecutive vertex, a non-zero area
 * and no crossing or touching edges (a simple polygon, convex or concave).
 */
export function polygonIssues(polygon: Polygon): string[] {
  const ring = withoutClosingVertex(polygon);
  const issues: string[] = [];
  if (ring.length < 3) return [`a polygon needs at least 3 vertices, got ${ring.length}`];
  ring.forEach(([x, y], i) => {
    if (!Number.isFinite(x) || !Number.isFinite(y) || x < 0 || x > 1 || y < 0 || y > 1) {
      issues.push(`vertex ${i} [${x}, ${y}] is outside the frame (coordinates 0..1)`);
    }
  });
  if (issues.length > 0) return issues;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    if (a[0] === b[0] && a[1] === b[1]) issues.push(`vertices ${i} and ${(i + 1) % n} repeat the same point`);
  }
  if (issues.length > 0) return issues;
  if (Math.abs(signedArea(ring)) <= EDGE_EPSILON) issues.push('the polygon has no area (its vertices are collinear)');
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      const adjacent = k === i + 1 || (i === 0 && k === n - 1);
      if (adjacent) continue;
      if (segmentsTouch(ring[i]!, ring[(i + 1) % n]!, ring[k]!, ring[(k + 1) % n]!)) {
        issues.push(`edges ${i} and ${k} cross or touch (the polygon must not intersect itself)`);
      }
    }
  }
  return issues;
}

/** Whether `polygon` is a usable region of interest (see {@link polygonIssues}). */
export const isValidPolygon = (polygon: Polygon): boolean => polygonIssues(polygon).length === 0;

function withoutClosingVertex(polygon: Polygon): Polygon {
  const first = polygon[0];
  const last = polygon[polygon.length - 1];
  return polygon.length > 1 && first![0] === last![0] && first![1] === last![1] ? polygon.slice(0, -1) : polygon;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

const orientation = (a: Point, b: Point, c: Point): number => {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return Math.abs(v) <= EDGE_EPSILON * EDGE_EPSILON ? 0 : Math.sign(v);
};

function segmentsTouch(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && distanceToSegment(q1, p1, p2) <= EDGE_EPSILON) ||
    (o2 === 0 && distanceToSegment(q2, p1, p2) <= EDGE_EPSILON) ||
    (o3 === 0 && distanceToSegment(p1, q1, q2) <= EDGE_EPSILON) ||
    (o4 === 0 && distanceToSegment(p2, q1, q2) <= EDGE_EPSILON)
  );
}
