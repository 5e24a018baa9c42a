// DynamoDB adapter for the registry table's device credentials (pk = "device", sk = <device id>).
import { queryPages } from './query-pages.ts';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A device (sensor or camera) allowed to send data, with its credential's state. */
export interface DeviceRecord {
  readonly id: string;
  readonly sourceType: 'sensor' | 'camera';
  readonly kind: string;
  readonly zone: string;
  readonly unit?: string;
  readonly secretHash: string;
  readonly status: 'active' | 'revoked';
  readonly issuedAt: string;
  readonly issuedBy: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
}

/** Reads and writes device credentials. */
export class DeviceRegistry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<DeviceRecord | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'device', sk: id } }));
    return res.Item ? strip(res.Item) : undefined;
  }

  /** Stores a device with a fresh credential, replacing any earlier one (rotation). */
  async put(device: DeviceRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: 'device', sk: device.id, ...device } }));
  }

  /** Revokes the active credential; false when there is none. */
  async revoke(id: string, by: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'device', sk: id },
          UpdateExpression: 'SET #s = :revoked, revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND #s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':active': 'active', ':at': at, ':by': by },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async list(): Promise<DeviceRecord[]> {
    const out: DeviceRecord[] = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'device' },
    })) {
      out.push(...(res.Items ?? []).map(strip));
    }
    return out;
  }
}

function strip(item: Record<string, unknown>): DeviceRecord {
  const { pk: _pk, sk: _sk, ...d } = item;
  return d as unknown as DeviceRecord;
}
