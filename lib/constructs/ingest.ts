// The province's observation stream, its device authorizer, and (sensors module) device ingest and the producer role.
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import { ENV } from '../../lambdas/shared/env-names.ts';
import type { CentralStore } from './central-store.ts';
import { grantStreamWrite } from './grants.ts';
import { ProvinceFunction } from './province-function.ts';

/** Properties of {@link Ingest}. */
export interface IngestProps {
  readonly config: ProvinceConfig;
  /** The province key; the stream and log groups are encrypted with it. */
  readonly key: kms.IKey;
  /** The tables; the device authorizer looks credentials up in the registry. */
  readonly store: CentralStore;
}

/**
 * Everything that feeds the stream. The stream is KMS-encrypted with the province key, its capacity comes from the
 * config (provisioned shards are ~3x cheaper than on-demand at pilot volume), and records are kept 24 h (the free
 * retention). The device authorizer is core (every device-facing route uses it). The device ingest path (the
 * `ingest-events` function and the producer role) exists only once {@link Ingest.addDeviceIngest} is called, so a
 * province without the sensors module has neither.
 */
export class Ingest extends Construct {
  /** The observation stream: one envelope shape, versioned (see lambdas/shared/domain/observation.ts). */
  public readonly stream: kinesis.Stream;
  /** HTTP API Lambda authorizer (payload 2.0, simple responses) for device credentials; reads the registry. */
  public readonly deviceAuthorizer: ProvinceFunction;
  private readonly props: IngestProps;
  private deviceIngest?: DeviceIngest;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.props = props;
    const { config, key, store } = props;
    const provisioned = config.stream.capacityMode === 'provisioned';

    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: key,
      streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
      shardCount: provisioned ? config.stream.shards : undefined,
      retentionPeriod: Duration.hours(24),
      removalPolicy: config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions::AwsSolutions-KDS3',
      reason:
        'Deliberate: every data store of the province uses the province customer-managed key, so one key policy ' +
        'and one CloudTrail trail govern access to all of its data; Kinesis caches data keys, keeping KMS calls few.',
    });

    this.deviceAuthorizer = new ProvinceFunction(this, 'DeviceAuthorizer', {
      name: 'authorize-device',
      config,
      key,
      description: 'HTTP API authorizer for device credentials',
      // API Gateway gives a Lambda authorizer at most 10 s; fail fast well before that.
      timeout: Duration.seconds(5),
    }).bindTable(store.registry, ENV.registryTable, 'getItem');
  }

  /** The `ingest-events` function, once {@link addDeviceIngest} has been called. */
  public get ingestFunction(): ProvinceFunction | undefined {
    return this.deviceIngest?.fn;
  }

  /** The producer role, once {@link addDeviceIngest} has been called. */
  public get producerRole(): iam.Role | undefined {
    return this.deviceIngest?.producerRole;
  }

  /** Creates the device ingest path (sensors module): the POST /events function and the producer role. Once. */
  public addDeviceIngest(): DeviceIngest {
    if (this.deviceIngest) throw new Error('Ingest.addDeviceIngest() may be called only once');
    this.deviceIngest = new DeviceIngest(this, 'DeviceIngest', { ...this.props, stream: this.stream });
    return this.deviceIngest;
  }
}

/** Properties of {@link DeviceIngest}. */
export interface DeviceIngestProps extends IngestProps {
  /** The stream devices and trusted producers write to. */
  readonly stream: kinesis.IStream;
}

/**
 * The device ingest path: `ingest-events` (POST /events, behind the device authorizer) puts observations on the
 * stream; trusted systems in this account assume the producer role to PutRecord(s) on the stream directly.
 */
export class DeviceIngest extends Construct {
  /** POST /events handler: validates envelopes and puts them on the stream. */
  public readonly fn: ProvinceFunction;
  /** Role trusted systems in this account assume to PutRecord(s) directly (ARN in the `ProducerRoleArn` output). */
  public readonly producerRole: iam.Role;

  constructor(scope: Construct, id: string, props: DeviceIngestProps) {
    super(scope, id);
    const { config, key, stream } = props;

    this.fn = new ProvinceFunction(this, 'IngestEvents', {
      name: 'ingest-events',
      config,
      key,
      description: 'POST /events: validates device observations and puts them on the stream',
      timeout: Duration.seconds(10),
    }).bindStream(stream, ENV.streamName, 'write');

    this.producerRole = new iam.Role(this, 'ProducerRole', {
      // Any principal of this account whose own policy allows sts:AssumeRole on this role; no other account.
      assumedBy: new iam.AccountRootPrincipal(),
      description: `${config.code}: trusted systems assume this role to put observations on the stream`,
      maxSessionDuration: Duration.hours(1),
    });
    grantStreamWrite(stream, this.producerRole);

    new CfnOutput(this, 'ProducerRoleArn', {
      description: 'Role trusted systems assume to PutRecord(s) on the observation stream',
      value: this.producerRole.roleArn,
    }).overrideLogicalId('ProducerRoleArn');
    new CfnOutput(this, 'StreamName', {
      description: 'Observation stream for trusted producers (assume ProducerRoleArn)',
      value: stream.streamName,
    }).overrideLogicalId('StreamName');
  }
}
