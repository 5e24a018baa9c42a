// Operational alarms of a province and the encrypted ops topic they notify (email / SMS contacts from the config).
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import type { ProvinceFunction } from './province-function.ts';

/** Iterator age (ms) above which the stream consumer is considered behind. */
export const ITERATOR_AGE_THRESHOLD_MS = 60_000;

/** Properties of {@link Alarms}. */
export interface AlarmsProps {
  readonly config: ProvinceConfig;
  /** The province key; the topic is encrypted with it (its policy lets CloudWatch alarms publish). */
  readonly key: kms.IKey;
  /** The stream consumer's dead-letter queue: any visible message is an alarm. */
  readonly failureQueue: sqs.IQueue;
  /** The stream consumer: its iterator age is alarmed. */
  readonly streamConsumer: ProvinceFunction;
  /** The HTTP API: server errors are alarmed. */
  readonly api: apigw.IHttpApi;
  /** Functions whose errors and throttles are alarmed; more can be added with {@link Alarms.monitorFunction}. */
  readonly functions: ReadonlyArray<ProvinceFunction>;
}

/**
 * The ops topic (KMS-encrypted, TLS-only publishing) with the config's contacts subscribed, and the alarms that
 * mean data is late or lost: failure queue depth, stream iterator age, function errors and throttles, API 5xx.
 */
export class Alarms extends Construct {
  /** Topic every operational alarm notifies (alarm and OK). */
  public readonly topic: sns.Topic;
  /** Every alarm created so far. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;
  private readonly code: string;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config } = props;
    this.code = config.code;

    this.topic = new sns.Topic(this, 'OpsTopic', {
      displayName: `SmartCity ${config.code} ops`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // A topic policy replaces the default one, so CloudWatch alarms of this account are allowed explicitly.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    for (const contact of config.alerts.contacts) {
      if (contact.email) this.topic.addSubscription(new subscriptions.EmailSubscription(contact.email));
      if (contact.sms) this.topic.addSubscription(new subscriptions.SmsSubscription(contact.sms));
    }
    this.action = new actions.SnsAction(this.topic);

    this.add('FailureQueueDepth', {
      metric: props.failureQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      description: 'records failed processing and wait in the failure queue',
    });
    this.add('IteratorAge', {
      metric: props.streamConsumer.fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: ITERATOR_AGE_THRESHOLD_MS,
      description: 'the stream consumer is more than a minute behind',
    });
    this.add('Api5xx', {
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      description: 'the API answered with server errors',
    });
    props.functions.forEach((fn) => this.monitorFunction(fn));
  }

  /** Alarms on any error or throttle of `fn`; returns the two alarms (so a module can tag them). */
  public monitorFunction(fn: ProvinceFunction): cloudwatch.Alarm[] {
    const id = fn.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    const errors = this.add(`${id}Errors`, {
      metric: fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      description: `${fn.name} failed invocations`,
    });
    const throttles = this.add(`${id}Throttles`, {
      metric: fn.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      description: `${fn.name} throttled invocations`,
    });
    return [errors, throttles];
  }

  /** Sends an alarm made elsewhere (a module's) to the ops topic, on alarm and on recovery. */
  public watch(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private add(id: string, a: { metric: cloudwatch.IMetric; threshold: number; description: string }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: a.metric,
      threshold: a.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${this.code}: ${a.description}`,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
