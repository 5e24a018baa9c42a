// Shapes of the operator API's answers, as the console reads them (types only: nothing here is bundled).
import type { AuditEntry, Incident } from '../../lambdas/shared/domain/incident.ts';
import type { Observation } from '../../lambdas/shared/domain/observation.ts';
import type { Camera, Rule, SensorKind } from '../../lib/config/schema.ts';

export type { AuditEntry, Camera, Incident, Observation, Rule, SensorKind };

/** The operator roles, weakest first (roles are cumulative). */
export const ROLES = ['operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A page of a list. */
export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

/** GET /incidents/{id}. */
export interface IncidentDetail {
  readonly incident: Incident;
  readonly audit: AuditEntry[];
}

/** One item of GET /rules. */
export interface VersionedRule {
  readonly rule: Rule;
  readonly version: number;
  readonly origin?: string;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

/** One item of GET /zones. */
export interface Zone {
  readonly id: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly sensors: string[];
  readonly cameras: string[];
}

/** A camera's health (GET /cameras). */
export interface CameraHealth {
  readonly lastFrameAt: string | null;
  readonly lastAnalysedAt: string | null;
  readonly lastCount: number | null;
  readonly lastObservedAt: string | null;
  readonly lastObservedCount: number | null;
  readonly lastCarried: boolean;
  readonly rejectedCount: number;
  readonly activeNow: boolean;
  readonly offline: boolean;
}

/** One item of GET /cameras. */
export interface CameraItem {
  readonly camera: Camera;
  readonly version: number;
  readonly health: CameraHealth;
}

/** A box `[left, top, width, height]`, normalized to the frame. */
export type Box = [number, number, number, number];

/** GET /cameras/{id}. */
export interface CameraDetail extends CameraItem {
  readonly latestFrame: {
    readonly url: string;
    readonly takenAt: string | null;
    readonly count: number;
    readonly boxes: Box[];
    readonly boxesTruncated: boolean;
    readonly confidence: number | null;
  } | null;
}

/** One item of GET /sensors. */
export interface Sensor {
  readonly id: string;
  readonly kind: SensorKind;
  readonly unit: string;
  readonly zone: string;
  readonly name: string;
  readonly credential: string;
}

/** GET /sensors/{id}/latest. */
export interface SensorLatest {
  readonly latest: Observation | null;
}

/** GET /vision/usage. */
export interface VisionUsage {
  readonly date?: string;
  readonly calls: number;
  readonly cap: number;
  readonly remaining: number;
  readonly [k: string]: unknown;
}
