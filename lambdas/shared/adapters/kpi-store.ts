// Pilot KPI counters, updated as incidents change state (one small item per UTC day in the incidents table), so the
// KPIs of any period are a few reads — never a table scan.
//   pk = KPI   sk = day#<YYYY-MM-DD>   opened, acknowledged, resolved, dismissed, rule#<id>, zone#<id>,
//                                        ackSeconds[], resolveSeconds[]   (a day has few incidents: exact lists)
import { queryPages } from './query-pages.ts';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../domain/incident.ts';

/** A state change worth counting. */
export type KpiEvent =
  | { readonly type: 'opened'; readonly incident: Pick<Incident, 'ruleId' | 'zone' | 'subject' | 'openedAt'> }
  | { readonly type: 'acknowledged' | 'resolved' | 'dismissed'; readonly incident: Pick<Incident, 'openedAt'>; readonly at: string };

/** One day's counters. */
export interface KpiDay {
  readonly day: string;
  readonly opened: number;
  readonly acknowledged: number;
  readonly resolved: number;
  readonly dismissed: number;
  readonly byRule: Record<string, number>;
  readonly byZone: Record<string, number>;
  readonly ackSeconds: number[];
  readonly resolveSeconds: number[];
}

/** Writes and reads the daily KPI counters. */
export class KpiStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Counts one change, on the day it happened. Called right after the change is committed; a crash between the two
   * under-counts by one (redelivery does not repeat a committed change, so nothing is ever counted twice).
   */
  async record(e: KpiEvent): Promise<void> {
    if (e.type === 'opened') {
      const { incident } = e;
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'KPI', sk: `day#${incident.openedAt.slice(0, 10)}` },
          UpdateExpression: 'ADD opened :one, #rule :one, #zone :one',
          ExpressionAttributeNames: { '#rule': `rule#${incident.ruleId}`, '#zone': `zone#${incident.zone ?? incident.subject}` },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      return;
    }
    const seconds = Math.max(0, Math.round((Date.parse(e.at) - Date.parse(e.incident.openedAt)) / 1000));
    const list = e.type === 'acknowledged' ? 'ackSeconds' : 'resolveSeconds';
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: 'KPI', sk: `day#${e.at.slice(0, 10)}` },
        UpdateExpression: `ADD #count :one SET #list = list_append(if_not_exists(#list, :empty), :s)`,
        ExpressionAttributeNames: { '#count': e.type, '#list': e.type === 'dismissed' ? 'resolveSeconds' : list },
        ExpressionAttributeValues: { ':one': 1, ':empty': [], ':s': [seconds] },
      }),
    );
  }

  /** The days in [fromDay, toDay] (YYYY-MM-DD), oldest first. */
  async days(fromDay: string, toDay: string): Promise<KpiDay[]> {
    const out: KpiDay[] = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :k AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':k': 'KPI', ':a': `day#${fromDay}`, ':b': `day#${toDay}` },
    })) {
      for (const i of res.Items ?? []) {
        const pick = (prefix: string) =>
          Object.fromEntries(Object.entries(i).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), Number(v)]));
        out.push({
          day: String(i.sk).slice(4),
          opened: Number(i.opened ?? 0),
          acknowledged: Number(i.acknowledged ?? 0),
          resolved: Number(i.resolved ?? 0),
          dismissed: Number(i.dismissed ?? 0),
          byRule: pick('rule#'),
          byZone: pick('zone#'),
          ackSeconds: ((i.ackSeconds as number[] | undefined) ?? []).map(Number),
          resolveSeconds: ((i.resolveSeconds as number[] | undefined) ?? []).map(Number),
        });
      }
    }
    return out;
  }
}
