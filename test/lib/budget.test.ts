// The monthly budget: the config's limit, the province's cost-allocation tag, notices at 80% actual and 100% forecast.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('Budget', () => {
  const { template, stack, config } = synthProvince('da-nang');
  const opsTopic = stack.resolve(stack.alarms.topic.topicArn);

  it('limits the province to its monthly budget, by its Province tag', () => {
    template.resourceCountIs('AWS::Budgets::Budget', 1);
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: config.budget.monthlyUsd, Unit: 'USD' }, CostFilters: { TagKeyValue: ['user:Province$da-nang'] } },
    });
  });

  it('notifies the ops topic and the email contacts at 80% of actual and 100% of forecast spend', () => {
    const budget = Object.values(template.findResources('AWS::Budgets::Budget'))[0]!;
    const notices = budget.Properties.NotificationsWithSubscribers as Array<{ Notification: Record<string, unknown>; Subscribers: unknown[] }>;
    expect(notices.map((n) => [n.Notification.NotificationType, n.Notification.Threshold, n.Notification.ThresholdType])).toEqual([
      ['ACTUAL', 80, 'PERCENTAGE'],
      ['FORECASTED', 100, 'PERCENTAGE'],
    ]);
    for (const n of notices) {
      expect(n.Subscribers).toEqual([
        { SubscriptionType: 'SNS', Address: opsTopic },
        { SubscriptionType: 'EMAIL', Address: 'ioc-ops@danang.example.vn' },
      ]);
    }
  });

  it('lets Budgets publish to the encrypted ops topic, for this account only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowBudgetsOfThisAccount', Principal: { Service: 'budgets.amazonaws.com' }, Action: 'sns:Publish', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
        ]),
      },
    });
  });
});
