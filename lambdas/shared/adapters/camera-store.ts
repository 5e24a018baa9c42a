// Cameras in effect: the config's cameras, overlaid by supervisors' edits stored in the registry table (pk = "camera").
import { queryPages } from './query-pages.ts';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Camera } from '../../../lib/config/schema.ts';
import { ConflictError } from './incident-store.ts';

/** A camera with its edit marker: version 0 means "as in the config, never edited". */
export interface VersionedCamera {
  readonly camera: Camera;
  readonly version: number;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
  readonly origin: 'config' | 'edited';
}

/**
 * Reads and edits cameras. Reads are cached for `ttlMs` (30 s by default) so the frame analyzer does not query the
 * table per frame; an edit is seen by every analyzer container within that time.
 */
export class CameraStore {
  private cache?: { at: number; cameras: VersionedCamera[] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly configCameras: readonly Camera[],
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Every camera of the config, in config order, each with its latest edit. */
  async all(fresh = false): Promise<VersionedCamera[]> {
    if (!fresh && this.cache && this.clock() - this.cache.at < this.ttlMs) return this.cache.cameras;
    const edited = new Map<string, VersionedCamera>();
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'camera' },
        ConsistentRead: fresh,
    })) {
      for (const i of res.Items ?? []) edited.set(i.sk as string, toVersioned(i));
    }
    // Only config cameras exist: a camera needs a device credential, a zone and a place in the bundle's registry.
    const cameras = this.configCameras.map((c) => edited.get(c.id) ?? { camera: c, version: 0, origin: 'config' as const });
    this.cache = { at: this.clock(), cameras };
    return cameras;
  }

  /** One camera in effect from the (possibly cached) list; undefined when the config has no such camera. */
  async find(id: string): Promise<Camera | undefined> {
    return (await this.all()).find((c) => c.camera.id === id)?.camera;
  }

  /** One camera in effect, read fresh. */
  async get(id: string): Promise<VersionedCamera | undefined> {
    const fromConfig = this.configCameras.find((c) => c.id === id);
    if (!fromConfig) return undefined;
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'camera', sk: id }, ConsistentRead: true }));
    return res.Item ? toVersioned(res.Item) : { camera: fromConfig, version: 0, origin: 'config' };
  }

  /** Stores an edit if the camera is still at `expectedVersion` (0: never edited); ConflictError otherwise. */
  async put(camera: Camera, expectedVersion: number, by: string, at: string): Promise<VersionedCamera> {
    const next: VersionedCamera = { camera, version: expectedVersion + 1, updatedAt: at, updatedBy: by, origin: 'edited' };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'camera', sk: camera.id, ...next },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') throw new ConflictError(`camera ${camera.id} changed meanwhile`);
      throw e;
    }
    this.cache = undefined;
    return next;
  }
}

function toVersioned(i: Record<string, unknown>): VersionedCamera {
  return {
    camera: i.camera as Camera,
    version: i.version as number,
    updatedAt: i.updatedAt as string,
    updatedBy: i.updatedBy as string,
    origin: 'edited',
  };
}
