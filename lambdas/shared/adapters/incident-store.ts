// DynamoDB adapter for the IncidentsTable: incidents, their append-only audit trail, rule state and pending alerts.
//   incident     pk = INC#<id>        sk = INC            (+ gsi1 ByOpened: INCIDENT / <openedAt>#<id>,
//                                                          + gsi2 Active (sparse, only while open/acknowledged))
//   audit entry  pk = INC#<id>        sk = AUDIT#<at>#<action>#<n>   (written once, never updated)
//   rule state   pk = RS#<ruleId>     sk = <subject>
import { queryPages } from './query-pages.ts';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, Incident } from '../domain/incident.ts';
import type { RuleState } from '../domain/rules.ts';

/** Names of the IncidentsTable's global secondary indexes (the CDK construct creates them with these names). */
export const INCIDENT_INDEXES = { byOpened: 'ByOpened', active: 'Active' } as const;

/** An alert waiting to be sent (the outbox): written with the change that causes it, removed once SNS took it. */
export interface PendingAlert {
  readonly event: 'opened' | 'escalated';
  /** When it was queued (processing time): the sweep resends it only after a grace period from here. */
  readonly at: string;
}

/** An incident as stored, with its pending alert if any. */
export type StoredIncident = Incident & { pendingAlert?: PendingAlert };

/** A write that lost an optimistic-concurrency race: reload and try again, or answer 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** One atomic change: rule state and/or incident (each conditional on the version read) plus audit entries. */
export interface IncidentChange {
  readonly state?: { readonly next: RuleState; readonly expectedVersion: number };
  /** `next` keeps a stored incident's pendingAlert unless `pendingAlert` replaces it. */
  readonly incident?: { readonly next: StoredIncident; readonly expectedVersion: number; readonly pendingAlert?: PendingAlert };
  readonly audits?: readonly AuditEntry[];
}

/** Filters of an incident listing. */
export interface IncidentFilter {
  readonly status?: string;
  readonly zone?: string;
  readonly ruleId?: string;
  readonly from?: string;
  readonly to?: string;
}

const incidentKey = (id: string) => ({ pk: `INC#${id}`, sk: 'INC' });
const stateKey = (ruleId: string, subject: string) => ({ pk: `RS#${ruleId}`, sk: subject });
const ACTIVE = new Set(['open', 'acknowledged']);

/** Reads and writes incidents, audit entries and rule state. */
export class IncidentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getState(ruleId: string, subject: string): Promise<RuleState | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: stateKey(ruleId, subject), ConsistentRead: true }));
    return res.Item ? (strip(res.Item) as unknown as RuleState) : undefined;
  }

  async getIncident(id: string): Promise<StoredIncident | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: incidentKey(id), ConsistentRead: true }));
    return res.Item ? (stripIncident(res.Item)) : undefined;
  }

  /** Writes a change atomically; a lost race raises ConflictError. Writing only a rule state costs one plain put. */
  async commit(change: IncidentChange): Promise<void> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
    if (change.state) items.push({ Put: this.statePut(change.state.next, change.state.expectedVersion) });
    if (change.incident) items.push({ Put: this.incidentPut(change.incident.next, change.incident.expectedVersion, change.incident.pendingAlert) });
    for (const [n, a] of (change.audits ?? []).entries()) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { pk: `INC#${a.incidentId}`, sk: `AUDIT#${a.at}#${a.action}#${n}`, ...a },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (items.length === 0) return;
    try {
      if (items.length === 1) await this.db.send(new PutCommand(items[0]!.Put!));
      else await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      const name = (e as Error).name;
      const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
      if (name === 'ConditionalCheckFailedException' || (name === 'TransactionCanceledException' && reasons.some((r) => r.Code === 'ConditionalCheckFailed'))) {
        throw new ConflictError(`concurrent change: ${(e as Error).message}`);
      }
      throw e;
    }
  }

  /**
   * Removes the pending alert once it was published (only if it is still the same alert). It bumps the version, so
   * a writer holding an older copy (which still carries the alert) gets a conflict instead of resurrecting it.
   */
  async clearPendingAlert(id: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: incidentKey(id),
          UpdateExpression: 'REMOVE pendingAlert SET version = version + :one',
          ConditionExpression: 'pendingAlert.#at = :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at, ':one': 1 },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  /** Every stored state of one rule, by subject. */
  async statesOf(ruleId: string): Promise<Map<string, RuleState>> {
    const out = new Map<string, RuleState>();
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `RS#${ruleId}` },
        ConsistentRead: true,
    })) {
      for (const i of res.Items ?? []) out.set(i.sk as string, strip(i) as unknown as RuleState);
    }
    return out;
  }

  /** The audit trail of an incident, oldest first. */
  async audit(id: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': `INC#${id}`, ':a': 'AUDIT#' },
    })) {
      out.push(...(res.Items ?? []).map((i) => strip(i) as unknown as AuditEntry));
    }
    return out;
  }

  /** Every open or acknowledged incident (the sparse Active index), oldest first. */
  async active(): Promise<StoredIncident[]> {
    const out: StoredIncident[] = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        IndexName: INCIDENT_INDEXES.active,
        KeyConditionExpression: 'gsi2pk = :a',
        ExpressionAttributeValues: { ':a': 'ACTIVE' },
    })) {
      out.push(...(res.Items ?? []).map((i) => stripIncident(i)));
    }
    return out;
  }

  /**
   * Incidents newest first (by opening time), filtered, one page. Open and acknowledged ones come from the small
   * Active index; others from ByOpened. `after` is the opaque position the previous page returned.
   */
  async list(filter: IncidentFilter, limit: number, after?: Record<string, unknown>): Promise<{ items: StoredIncident[]; next?: Record<string, unknown> }> {
    const activeOnly = filter.status === 'open' || filter.status === 'acknowledged';
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions: string[] = [];
    if (filter.status) {
      names['#status'] = 'status';
      values[':status'] = filter.status;
      conditions.push('#status = :status');
    }
    if (filter.zone) {
      names['#zone'] = 'zone';
      values[':zone'] = filter.zone;
      conditions.push('#zone = :zone');
    }
    if (filter.ruleId) {
      values[':rule'] = filter.ruleId;
      conditions.push('ruleId = :rule');
    }
    const pkName = activeOnly ? 'gsi2pk' : 'gsi1pk';
    const skName = activeOnly ? 'gsi2sk' : 'gsi1sk';
    values[':p'] = activeOnly ? 'ACTIVE' : 'INCIDENT';
    values[':from'] = filter.from ?? '0000';
    values[':to'] = `${filter.to ?? '9999'}~`;
    const items: StoredIncident[] = [];
    let start = after;
    // A filter may leave a DynamoDB page short; keep reading until the page is full or the index ends.
    do {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: activeOnly ? INCIDENT_INDEXES.active : INCIDENT_INDEXES.byOpened,
          KeyConditionExpression: `${pkName} = :p AND ${skName} BETWEEN :from AND :to`,
          FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(res.Items ?? []).map((i) => stripIncident(i)));
      start = res.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, next: start };
  }

  private statePut(next: RuleState, expectedVersion: number) {
    return {
      TableName: this.table,
      Item: { ...stateKey(next.ruleId, next.subject), ...next },
      ...(expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
    };
  }

  private incidentPut(next: StoredIncident, expectedVersion: number, replaceAlert?: PendingAlert) {
    const pendingAlert = replaceAlert ?? next.pendingAlert;
    const sortKey = `${next.openedAt}#${next.id}`;
    return {
      TableName: this.table,
      Item: {
        ...incidentKey(next.id),
        ...withoutAlert(next),
        gsi1pk: 'INCIDENT',
        gsi1sk: sortKey,
        ...(ACTIVE.has(next.status) ? { gsi2pk: 'ACTIVE', gsi2sk: sortKey } : {}),
        ...(pendingAlert ? { pendingAlert } : {}),
      },
      ...(expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
    };
  }
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

function stripIncident(item: Record<string, unknown>): StoredIncident {
  const { gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = strip(item);
  return rest as unknown as StoredIncident;
}

function withoutAlert(i: StoredIncident): Incident {
  const { pendingAlert: _p, ...rest } = i;
  return rest;
}
