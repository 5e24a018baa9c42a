// Rekognition adapter: DetectLabels on a frame in S3, StartLabelDetection / GetLabelDetection for clips. No face API.
import {
  DetectLabelsCommand,
  GetLabelDetectionCommand,
  StartLabelDetectionCommand,
  type DetectLabelsRequest,
  type DetectLabelsResponse,
  type GetLabelDetectionResponse,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { PERSON_LABEL } from '../domain/people-count.ts';
import { isTransient } from '../retry.ts';

/**
 * Errors that say the *image or video itself* cannot be analysed: retrying would fail the same way, so the frame is
 * recorded as rejected with the reason instead of going round the queue until the DLQ.
 */
export const REJECTING_ERRORS: ReadonlySet<string> = new Set([
  'InvalidImageFormatException',
  'ImageTooLargeException',
  'InvalidS3ObjectException',
  'InvalidParameterException',
  'VideoTooLargeException',
]);

/**
 * What to do after a failed call: `rejected` (the input is bad: record it, never retry) or `retry` (throttling,
 * 5xx, and anything unexpected such as AccessDenied: the message goes back to the queue and, after maxReceiveCount,
 * to the DLQ with its reason, so a misconfiguration loses nothing).
 */
export function rekognitionFailure(e: unknown): { kind: 'rejected' | 'retry'; reason: string } {
  const err = e as { name?: string; message?: string };
  const reason = `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`.slice(0, 300);
  if (!isTransient(e) && REJECTING_ERRORS.has(err?.name ?? '')) return { kind: 'rejected', reason };
  return { kind: 'retry', reason };
}

/** Where Rekognition Video reports a finished job, and the role it assumes to publish there. */
export interface NotificationChannelSettings {
  readonly topicArn: string;
  readonly roleArn: string;
}

/** Highest page count read from one GetLabelDetection job: a guard against a service loop, far above real clips. */
export const MAX_LABEL_PAGES = 2_000;

/** The Rekognition calls the pilot makes. */
export class RekognitionAdapter {
  constructor(private readonly rekognition: RekognitionClient) {}

  /** DetectLabels (the request comes from `detectLabelsRequestFor`: the image is read from S3 by Rekognition). */
  async detectLabels(request: DetectLabelsRequest): Promise<DetectLabelsResponse> {
    return this.rekognition.send(new DetectLabelsCommand(request));
  }

  /**
   * Starts a stored-video label detection for `Person` only. `clientRequestToken` makes a retried start return the
   * same job instead of paying twice; `jobTag` comes back in the completion notification.
   */
  async startLabelDetection(o: {
    bucket: string;
    key: string;
    minConfidence: number;
    channel: NotificationChannelSettings;
    jobTag: string;
    clientRequestToken: string;
  }): Promise<string> {
    const res = await this.rekognition.send(
      new StartLabelDetectionCommand({
        Video: { S3Object: { Bucket: o.bucket, Name: o.key } },
        ClientRequestToken: o.clientRequestToken,
        JobTag: o.jobTag,
        MinConfidence: o.minConfidence,
        NotificationChannel: { SNSTopicArn: o.channel.topicArn, RoleArn: o.channel.roleArn },
        Features: ['GENERAL_LABELS'],
        Settings: { GeneralLabels: { LabelInclusionFilters: [PERSON_LABEL] } },
      }),
    );
    if (!res.JobId) throw new Error('StartLabelDetection answered without a JobId');
    return res.JobId;
  }

  /** Every page of a finished label detection job, by timestamp, one entry per (timestamp, label). */
  async labelDetectionPages(jobId: string): Promise<GetLabelDetectionResponse[]> {
    const pages: GetLabelDetectionResponse[] = [];
    let token: string | undefined;
    do {
      const page = await this.rekognition.send(
        new GetLabelDetectionCommand({ JobId: jobId, MaxResults: 1000, NextToken: token, SortBy: 'TIMESTAMP', AggregateBy: 'TIMESTAMPS' }),
      );
      pages.push(page);
      if (page.NextToken !== undefined && page.NextToken === token) throw new Error(`GetLabelDetection repeated NextToken for job ${jobId}`);
      token = page.NextToken || undefined;
      if (pages.length > MAX_LABEL_PAGES) throw new Error(`GetLabelDetection for job ${jobId} exceeded ${MAX_LABEL_PAGES} pages`);
    } while (token);
    return pages;
  }

  /** The status and status message of a job (one small page), e.g. to record why it failed. */
  async jobStatus(jobId: string): Promise<{ status: string | undefined; message: string | undefined }> {
    const res = await this.rekognition.send(new GetLabelDetectionCommand({ JobId: jobId, MaxResults: 1 }));
    return { status: res.JobStatus, message: res.StatusMessage };
  }
}
