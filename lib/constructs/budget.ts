// The province's monthly AWS Budgets budget: notices at 80% of actual spend and 100% of forecast spend.
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import type { ProvinceKey } from './province-key.ts';

/** Properties of {@link Budget}. */
export interface BudgetProps {
  readonly config: ProvinceConfig;
  readonly key: ProvinceKey;
  /** The ops topic: Budgets publishes its notices there too. */
  readonly opsTopic: sns.Topic;
}

/**
 * A monthly cost budget limited to this province's resources by the `Province` cost allocation tag (activate the tag
 * once in the Billing console), notifying the config's email contacts and the ops topic at 80% of actual spend and
 * at 100% of forecast spend. The Rekognition daily cap (lib/constructs/vision.ts) derives from the same budget.
 */
export class Budget extends Construct {
  public readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    const { config } = props;
    props.opsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowBudgetsOfThisAccount',
        principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.opsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    props.key.allowServiceDelivery('budgets.amazonaws.com', 'AllowBudgetsToEncryptedTopic');
    const subscribers = [
      { subscriptionType: 'SNS', address: props.opsTopic.topicArn },
      ...config.alerts.contacts.filter((c) => c.email).slice(0, 9).map((c) => ({ subscriptionType: 'EMAIL', address: c.email! })),
    ];
    this.budget = new budgets.CfnBudget(this, 'Monthly', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: config.budget.monthlyUsd, unit: 'USD' },
        costFilters: { TagKeyValue: [`user:Province$${config.code}`] },
      },
      // Budgets takes its tags as ResourceTags (not reached by Tags.of).
      resourceTags: [
        { key: 'Province', value: config.code },
        { key: 'Pilot', value: 'smartcity-pilot' },
        { key: 'Module', value: 'core' },
      ],
      notificationsWithSubscribers: [
        { notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE' }, subscribers },
        { notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers },
      ],
    });
  }
}
