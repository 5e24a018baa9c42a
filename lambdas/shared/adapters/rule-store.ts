// Rules in effect: the config's rules, overlaid by supervisors' edits stored in the registry table (pk = "rule").
import { queryPages } from './query-pages.ts';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Rule } from '../../../lib/config/schema.ts';
import { ConflictError } from './incident-store.ts';

/** A rule with its edit history marker: version 0 means "as in the config, never edited". */
export interface VersionedRule {
  readonly rule: Rule;
  readonly version: number;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
  readonly origin: 'config' | 'edited';
}

/** Reads and edits rules; reads are cached for `ttlMs` so the stream processor does not read them per batch. */
export class RuleStore {
  private cache?: { at: number; rules: VersionedRule[] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly configRules: readonly Rule[],
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Every rule in effect, config order first, then rules created at run time (by id). */
  async all(fresh = false): Promise<VersionedRule[]> {
    if (!fresh && this.cache && this.clock() - this.cache.at < this.ttlMs) return this.cache.rules;
    const edited = new Map<string, VersionedRule>();
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'rule' },
        ConsistentRead: fresh,
    })) {
      for (const i of res.Items ?? []) edited.set(i.sk as string, toVersioned(i));
    }
    const rules: VersionedRule[] = this.configRules.map((r) => edited.get(r.id) ?? { rule: r, version: 0, origin: 'config' });
    const known = new Set(this.configRules.map((r) => r.id));
    for (const [id, v] of [...edited].sort(([a], [b]) => a.localeCompare(b))) if (!known.has(id)) rules.push(v);
    this.cache = { at: this.clock(), rules };
    return rules;
  }

  /** One rule in effect, read fresh. */
  async get(id: string): Promise<VersionedRule | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'rule', sk: id }, ConsistentRead: true }));
    if (res.Item) return toVersioned(res.Item);
    const fromConfig = this.configRules.find((r) => r.id === id);
    return fromConfig ? { rule: fromConfig, version: 0, origin: 'config' } : undefined;
  }

  /** Stores an edit if the rule is still at `expectedVersion` (0: never edited); ConflictError otherwise. */
  async put(rule: Rule, expectedVersion: number, by: string, at: string): Promise<VersionedRule> {
    const next: VersionedRule = { rule, version: expectedVersion + 1, updatedAt: at, updatedBy: by, origin: 'edited' };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'rule', sk: rule.id, ...next },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') throw new ConflictError(`rule ${rule.id} changed meanwhile`);
      throw e;
    }
    this.cache = undefined;
    return next;
  }
}

function toVersioned(i: Record<string, unknown>): VersionedRule {
  return { rule: i.rule as Rule, version: i.version as number, updatedAt: i.updatedAt as string, updatedBy: i.updatedBy as string, origin: 'edited' };
}
