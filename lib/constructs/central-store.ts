// The province's two DynamoDB tables: observations (with rollups, incidents, audit) and the registry (devices, rule state).
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

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
 * Two single-table-design tables keyed `pk` (S) / `sk` (S), on-demand, point-in-time recovery on, encrypted with the
 * province key. There is no GSI on purpose: a zone query merges the per-source queries, which keeps exactly one write
 * per observation. No physical names, so two provinces can share an account and region.
 */
export class CentralStore extends Construct {
  /** Observations, rollups, incidents and audit entries; raw observations expire through `expiresAt`. */
  public readonly observations: dynamodb.Table;
  /** Device credentials and rule state. */
  public readonly registry: dynamodb.Table;

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
    this.registry = new dynamodb.Table(this, 'RegistryTable', common);
  }
}
