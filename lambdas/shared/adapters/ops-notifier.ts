// SNS adapter for the operations topic: technical notices such as "the daily Rekognition cap is reached".
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** A notice for the technical team: a one-line subject and a plain-text body. */
export interface OpsNotice {
  readonly subject: string;
  readonly body: string;
  readonly attributes?: Record<string, string>;
}

/** Publishes notices to the ops topic. */
export class OpsNotifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(n: OpsNotice): Promise<string | undefined> {
    const res = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects: ASCII-printable is safest for every protocol, at most 100 characters, one line.
        Subject: n.subject.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '').slice(0, 100),
        Message: n.body,
        MessageAttributes: Object.fromEntries(Object.entries(n.attributes ?? {}).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }),
    );
    return res.MessageId;
  }
}
