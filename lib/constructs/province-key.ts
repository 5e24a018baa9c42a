// The province's customer-managed KMS key: every table, the stream, queues, the ops topic and log groups use it.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link ProvinceKey}. */
export interface ProvinceKeyProps {
  /** Province code, used in the key description only (no physical names). */
  readonly provinceCode: string;
  /**
   * A throw-away stack: the key is scheduled for deletion (7-day window) with the stack.
   * @default false - the key is retained when the stack is deleted
   */
  readonly sandbox?: boolean;
}

/**
 * A customer-managed symmetric key with yearly rotation, retained unless the province is a sandbox.
 *
 * Identity policies in this account can use it (the CDK default root statement); the key policy additionally lets
 * the AWS services that encrypt on our behalf use it: CloudWatch Logs (encrypted log groups) and CloudWatch alarms
 * (publishing to the encrypted ops topic). Further services (S3 or SNS delivering to an encrypted queue) are added
 * with {@link ProvinceKey.allowServiceDelivery} by the module that needs them, so a disabled module leaves no grant.
 */
export class ProvinceKey extends Construct {
  /** The key itself. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ProvinceKeyProps) {
    super(scope, id);
    const sandbox = props.sandbox ?? false;
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: `smartcity-pilot ${props.provinceCode}: data at rest (tables, stream, queues, topic, logs)`,
      enableKeyRotation: true,
      removalPolicy: sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      pendingWindow: sandbox ? Duration.days(7) : undefined,
    });

    // CloudWatch Logs encrypts log groups with the key itself; the encryption context pins it to this account's groups.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
    // CloudWatch alarms call KMS directly when publishing to an encrypted SNS topic; without this, alarm
    // notifications are silently dropped (the alarm history is the only trace).
    this.allowServiceDelivery('cloudwatch.amazonaws.com', 'AllowCloudWatchAlarmsToEncryptedTopic');
  }

  /**
   * Lets an AWS service principal (e.g. `s3.amazonaws.com` delivering event notifications, `sns.amazonaws.com`
   * delivering to an encrypted queue) generate data keys and decrypt, only on behalf of this account.
   */
  public allowServiceDelivery(servicePrincipal: string, sid: string): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(servicePrincipal)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }
}
