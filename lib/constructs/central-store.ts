// The province's DynamoDB tables: observations (with rollups), the registry (devices, rule and camera edits, usage) and
// incidents (incidents, their audit trail, rule state).
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INCIDENT_INDEXES } from '../../lambdas/shared/adapters/incident-store.ts';

/** Properties of {@link CentralStore}. */
export interface CentralStoreProps {
  /** The province key; both tables are encrypted with it. */
  readonly key: kms.IKey;
  /**
   * A throw-away stack: tables are deleted with it and have no deletion protection.
   * @default false - tables are retained and deletion-protected
   */
  readonly sandbox?: boolean;
}

/** Name of the TTL attribute on the observations table (epoch seconds). */
export const OBSERVATION_TTL_ATTRIBUTE = 'expiresAt';

/**
 * Three single-table-design tables keyed `pk` (S) / `sk` (S), on-demand, point-in-time recovery on, encrypted with the
 * province key. The observations table has no GSI on purpose: a zone query merges the per-source queries, which keeps
 * exactly one write per observation. The incidents table has two small indexes: every incident by opening time, and a
 * sparse index of the open and acknowledged ones (what the console and the sweep read). No physical names, so two
 * provinces can share an account and region.
 */
export class CentralStore extends Construct {
  /** Observations, rollups, incidents and audit entries; raw observations expire through `expiresAt`. */
  public readonly observations: dynamodb.Table;
  /** Device credentials, supervisors' rule and camera edits, usage counters, clips. */
  public readonly registry: dynamodb.Table;
  /** Incidents, their append-only audit trail, and rule evaluation state. */
  public readonly incidents: dynamodb.Table;
  /** Index names of the incidents table (grants name them one by one). */
  public readonly incidentIndexes: readonly string[] = Object.values(INCIDENT_INDEXES);

  constructor(scope: Construct, id: string, props: CentralStoreProps) {
    super(scope, id);
    const sandbox = props.sandbox ?? false;
    const common: dynamodb.TableProps = {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      deletionProtection: !sandbox,
      removalPolicy: sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    };
    this.observations = new dynamodb.Table(this, 'ObservationsTable', {
      ...common,
      timeToLiveAttribute: OBSERVATION_TTL_ATTRIBUTE,
    });
    // Short-lived registry items (the analyzer's per-frame ledger) expire through the same attribute.
    this.registry = new dynamodb.Table(this, 'RegistryTable', { ...common, timeToLiveAttribute: OBSERVATION_TTL_ATTRIBUTE });
    this.incidents = new dynamodb.Table(this, 'IncidentsTable', common);
    const key = (p: string, s: string) => ({
      partitionKey: { name: p, type: dynamodb.AttributeType.STRING },
      sortKey: { name: s, type: dynamodb.AttributeType.STRING },
    });
    this.incidents.addGlobalSecondaryIndex({ indexName: INCIDENT_INDEXES.byOpened, ...key('gsi1pk', 'gsi1sk') });
    this.incidents.addGlobalSecondaryIndex({ indexName: INCIDENT_INDEXES.active, ...key('gsi2pk', 'gsi2sk') });
  }
}
