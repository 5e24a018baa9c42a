// The incident alert topic (one message per opening or escalation) and the scheduled sweep that escalates,
// auto-resolves, retries pending alerts and watches for silent sources.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import { ENV } from '../../lambdas/shared/env-names.ts';
import type { CentralStore } from './central-store.ts';
import { ProvinceFunction } from './province-function.ts';

/** Properties of {@link Alerts}. */
export interface AlertsProps {
  readonly config: ProvinceConfig;
  readonly key: kms.IKey;
  readonly store: CentralStore;
  /** Base URL of the links in alerts: the console's, ending in `/#` (hash routes). */
  readonly baseUrl: string;
}

/**
 * The alert topic (KMS-encrypted, TLS-only publishing) with the config's contacts subscribed (email gets the
 * bilingual body, SMS the unaccented short text), and the sweep function run every minute by an EventBridge rule.
 */
export class Alerts extends Construct {
  /** Incident alerts: one message per incident opened or escalated. */
  public readonly topic: sns.Topic;
  /** The scheduled sweep. */
  public readonly sweep: ProvinceFunction;
  private readonly key: kms.IKey;
  private readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const { config, key, store } = props;
    this.key = key;
    this.baseUrl = props.baseUrl;
    this.topic = new sns.Topic(this, 'AlertTopic', {
      displayName: `IOC ${config.code}`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const contact of config.alerts.contacts) {
      if (contact.email) this.topic.addSubscription(new subscriptions.EmailSubscription(contact.email));
      if (contact.sms) this.topic.addSubscription(new subscriptions.SmsSubscription(contact.sms));
    }

    this.sweep = new ProvinceFunction(this, 'Sweep', {
      name: 'sweep',
      config,
      key,
      description: 'every minute: escalate, auto-resolve, retry pending alerts, open incidents for silent sources',
      timeout: Duration.seconds(50),
    })
      .bindTable(store.incidents, ENV.incidentsTable, 'readWrite', store.incidentIndexes)
      .bindTable(store.registry, ENV.registryTable, 'read')
      .bindTable(store.observations, ENV.observationsTable, 'read');
    this.bindPublisher(this.sweep);
    new events.Rule(this, 'EveryMinute', {
      description: `${config.code}: run the incident sweep`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.sweep.fn, { retryAttempts: 0 })],
    });
  }

  /** Lets `fn` publish alerts: the topic ARN and the link base URL in its environment, Publish on the topic. */
  public bindPublisher(fn: ProvinceFunction): ProvinceFunction {
    return fn.bindTopic(this.topic, this.key, ENV.alertTopicArn).setEnv(ENV.alertBaseUrl, this.baseUrl);
  }
}
