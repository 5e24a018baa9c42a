// SNS adapter for the alert topic: one message per incident opening or escalation, with email and SMS renderings.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertText } from '../domain/alert-text.ts';

/** Publishes alert texts to the province's alert topic. */
export class AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes one alert; `MessageStructure: json` gives email the full bilingual body and SMS the short text. */
  async publish(text: AlertText, attributes: Record<string, string>): Promise<string | undefined> {
    const res = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: text.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: text.body, email: text.body, 'email-json': text.body, sms: text.sms }),
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }),
    );
    return res.MessageId;
  }
}
