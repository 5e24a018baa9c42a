// Brings a synthesized province up on this machine: moto for the AWS services, the template's functions in worker
// threads, its event sources, schedules and HTTP API, and a terminal outbox for alerts. Nothing is declared twice:
// every resource, variable, route and setting comes from the template.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimClock, type ClockSpec } from './clock.ts';
import { pollKinesis, pollSqs, schedule, snsEventFrom, type Poller } from './event-sources.ts';
import { LocalFunctions } from './functions.ts';
import { routesOf, startHttpApi, type LocalHttpApi } from './http-api.ts';
import { freePort, startMoto, type Moto } from './moto.ts';
import { provision, type Provisioned } from './provision.ts';
import type { CfnTemplate } from './template.ts';
import { GROUPS, LocalIssuer, type Group } from './tokens.ts';

/** An alert (or ops notice) as an email or SMS subscriber would have received it. */
export interface OutboxMessage {
  /** The SNS message id: one publish reaches every subscriber with the same id. */
  readonly messageId: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
  readonly receivedAt: string;
}

/** Options of {@link startLocalProvince}. */
export interface LocalProvinceOptions {
  /** Province code; the template is `<cdkOut>/SmartCity-<code>.template.json`. */
  readonly code: string;
  readonly cdkOut: string;
  readonly region: string;
  readonly clock: ClockSpec;
  /** Port of the HTTP API. @default a free port */
  readonly port?: number;
  /** A moto already running (tests); otherwise one is started and stopped with the province. */
  readonly moto?: Moto;
  /** Environment for moto_server (e.g. persistence settings). */
  readonly motoEnv?: NodeJS.ProcessEnv;
  /** Extra variables for every function (e.g. AWS_ENDPOINT_URL_REKOGNITION). */
  readonly functionEnv?: Record<string, string>;
  /** Where function logs go. */
  readonly logDir: string;
  /** Serves non-API paths (the console). */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  readonly log?: (line: string) => void;
  readonly onOutbox?: (m: OutboxMessage) => void;
}

/** A running local province. */
export interface LocalProvince {
  readonly apiUrl: string;
  readonly motoEndpoint: string;
  readonly issuer: LocalIssuer;
  readonly provisioned: Provisioned;
  readonly functions: LocalFunctions;
  readonly api: LocalHttpApi;
  readonly clock: SimClock;
  readonly outbox: OutboxMessage[];
  /** A ready-to-use token for a user of `group`. */
  token(group: Group, username?: string): Promise<string>;
  /** Counts for the terminal. */
  stats(): { pollers: Record<string, Poller['stats']>; functions: ReturnType<LocalFunctions['stats']>; api: LocalHttpApi['stats'] };
  stop(): Promise<void>;
}

/** The local client id of the console (the JWT audience). */
export const LOCAL_CLIENT_ID = 'local-console';

/** Starts the province; on any failure, stops what was started and rethrows. */
export async function startLocalProvince(o: LocalProvinceOptions): Promise<LocalProvince> {
  const log = o.log ?? (() => undefined);
  const stopOnFailure: Array<() => Promise<void>> = [];
  try {
    const stackName = `SmartCity-${o.code}`;
    const template = JSON.parse(readFileSync(join(o.cdkOut, `${stackName}.template.json`), 'utf8')) as CfnTemplate;
    const moto = o.moto ?? (await startMoto({ env: o.motoEnv }));
    if (!o.moto) stopOnFailure.push(() => moto.stop());
    const port = o.port ?? (await freePort());
    const apiUrl = `http://127.0.0.1:${port}`;
    const issuerUrl = `${apiUrl}/local-cognito`;
    const issuer = await LocalIssuer.create(issuerUrl, LOCAL_CLIENT_ID);
    const clock = new SimClock(o.clock);

    const provisioned = await provision({ template, stackName, region: o.region, motoEndpoint: moto.endpoint, apiUrl, issuer: issuerUrl, clientId: LOCAL_CLIENT_ID, log });
    const stageHost = new RegExp(`^https://localapi\\.execute-api\\.${o.region}\\.amazonaws\\.com/?`);
    const functions = new LocalFunctions({
      provisioned,
      cdkOut: o.cdkOut,
      region: o.region,
      clock: o.clock,
      logDir: o.logDir,
      baseEnv: {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        SMARTCITY_LOCAL: 'true',
        ...o.functionEnv,
      },
      // The stage URL and the console's CloudFront URL both mean this server locally (plain HTTP on loopback).
      rewrite: (v) => v.replace(stageHost, `${apiUrl}/`).replace(`https://${apiUrl.replace(/^http:\/\//, '')}`, apiUrl),
    });
    stopOnFailure.push(() => functions.stop());

    const clientOptions = { endpoint: moto.endpoint, region: o.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() };
    const kinesis = new KinesisClient(clientOptions);
    const sqs = new SQSClient(clientOptions);
    const pollers: Record<string, Poller> = {};
    const { ctx } = provisioned;
    const idByAttr = (type: string, attr: string, value: string) =>
      (provisioned.byType.get(type) ?? []).map(([id]) => id).find((id) => ctx.attrs[id]?.[attr] === value);

    for (const [id] of provisioned.byType.get('AWS::Lambda::EventSourceMapping') ?? []) {
      const p = provisioned.props.get(id)! as {
        EventSourceArn: string;
        FunctionName: string;
        BatchSize?: number;
        MaximumBatchingWindowInSeconds?: number;
        BisectBatchOnFunctionError?: boolean;
        MaximumRetryAttempts?: number;
        FunctionResponseTypes?: string[];
        StartingPosition?: 'TRIM_HORIZON' | 'LATEST';
        DestinationConfig?: { OnFailure?: { Destination?: string } };
        Enabled?: boolean;
      };
      if (p.Enabled === false) continue;
      const fnId = functions.idOf(p.FunctionName);
      const invoke = (event: unknown) => functions.invoke(fnId, event);
      const reportFailures = (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures');
      const streamId = idByAttr('AWS::Kinesis::Stream', 'Arn', p.EventSourceArn);
      const queueId = idByAttr('AWS::SQS::Queue', 'Arn', p.EventSourceArn);
      if (streamId) {
        const destination = p.DestinationConfig?.OnFailure?.Destination;
        const destinationId = destination ? idByAttr('AWS::SQS::Queue', 'Arn', destination) : undefined;
        pollers[id] = pollKinesis({
          kinesis,
          sqs,
          streamName: ctx.refs[streamId]!,
          streamArn: p.EventSourceArn,
          functionArn: ctx.attrs[fnId]!.Arn!,
          region: o.region,
          startingPosition: p.StartingPosition ?? 'TRIM_HORIZON',
          batchSize: p.BatchSize ?? 100,
          windowMs: Math.min(1000, (p.MaximumBatchingWindowInSeconds ?? 0) * 1000),
          delivery: { batchSize: p.BatchSize ?? 100, bisectOnError: p.BisectBatchOnFunctionError ?? false, maxRetries: p.MaximumRetryAttempts ?? -1, reportBatchItemFailures: reportFailures },
          onFailureQueueUrl: destinationId ? ctx.refs[destinationId] : undefined,
          invoke,
          now: () => clock.now(),
          log,
        });
      } else if (queueId) {
        const visibility = Number((provisioned.props.get(queueId) as { VisibilityTimeout?: number }).VisibilityTimeout ?? 30);
        pollers[id] = pollSqs({
          sqs,
          queueUrl: ctx.refs[queueId]!,
          queueArn: p.EventSourceArn,
          region: o.region,
          batchSize: p.BatchSize ?? 10,
          reportBatchItemFailures: reportFailures,
          retryDelaySeconds: Math.max(1, Math.round(visibility / o.clock.speed)),
          invoke,
          log,
        });
      } else {
        throw new Error(`event source mapping ${id}: source ${p.EventSourceArn} is neither a stream nor a queue of this template`);
      }
      stopOnFailure.push(() => pollers[id]!.stop());
    }

    for (const s of provisioned.lambdaSubscriptions) {
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: s.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      pollers[`sns:${s.functionId}`] = pollSqs({
        sqs,
        queueUrl: s.queueUrl,
        queueArn,
        region: o.region,
        batchSize: 10,
        reportBatchItemFailures: false,
        retryDelaySeconds: 1,
        toEvent: (messages) => snsEventFrom(messages, `${s.topicArn}:local`),
        invoke: (event) => functions.invoke(s.functionId, event),
        log,
      });
    }

    for (const [id] of provisioned.byType.get('AWS::Events::Rule') ?? []) {
      const p = provisioned.props.get(id)! as { ScheduleExpression?: string; State?: string; Targets?: Array<{ Arn: string }> };
      if (!p.ScheduleExpression || p.State === 'DISABLED') continue;
      for (const target of p.Targets ?? []) {
        const fnId = functions.idOf(target.Arn);
        pollers[`schedule:${id}`] = schedule({
          expression: p.ScheduleExpression,
          ruleArn: ctx.attrs[id]!.Arn!,
          region: o.region,
          clock,
          invoke: (event) => functions.invoke(fnId, event),
          log,
        });
      }
    }

    const outbox: OutboxMessage[] = [];
    const outboxSignal = { stopped: false };
    const outboxLoop = (async () => {
      while (!outboxSignal.stopped && provisioned.outbox.length > 0) {
        for (const sub of provisioned.outbox) {
          try {
            const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sub.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
            const messages = res.Messages ?? [];
            for (const m of messages) {
              const env = JSON.parse(m.Body ?? '{}') as { MessageId?: string; Subject?: string; Message?: string; MessageAttributes?: Record<string, { Value: string }> };
              const item: OutboxMessage = {
                messageId: env.MessageId ?? m.MessageId!,
                topicArn: sub.topicArn,
                protocol: sub.protocol,
                endpoint: sub.endpoint,
                subject: env.Subject,
                message: pickProtocolMessage(env.Message ?? '', sub.protocol),
                attributes: Object.fromEntries(Object.entries(env.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
                receivedAt: new Date().toISOString(),
              };
              outbox.push(item);
              o.onOutbox?.(item);
            }
            if (messages.length) {
              await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: sub.queueUrl, Entries: messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
            }
          } catch (e) {
            if (!outboxSignal.stopped) log(`outbox: ${(e as Error).message}`);
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    stopOnFailure.push(async () => {
      outboxSignal.stopped = true;
      await outboxLoop;
    });

    const api = await startHttpApi({
      routes: routesOf(provisioned),
      invoke: (arn, event) => functions.invoke(arn, event),
      issuer,
      region: o.region,
      port,
      fallback: async (req, res) => {
        if (req.url === '/local-cognito/.well-known/jwks.json') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(await issuer.jwks()));
          return true;
        }
        return o.fallback ? o.fallback(req, res) : false;
      },
      log,
    });
    stopOnFailure.push(() => api.stop());

    return {
      apiUrl,
      motoEndpoint: moto.endpoint,
      issuer,
      provisioned,
      functions,
      api,
      clock,
      outbox,
      token: (group, username) => issuer.token(username ?? `local-${group}`, [group]),
      stats: () => ({
        pollers: Object.fromEntries(Object.entries(pollers).map(([k, p]) => [k, p.stats])),
        functions: functions.stats(),
        api: api.stats,
      }),
      stop: async () => {
        for (const stop of stopOnFailure.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const stop of stopOnFailure.reverse()) await stop().catch(() => undefined);
    throw e;
  }
}

/** The text a subscriber of `protocol` gets from a message published with MessageStructure json. */
function pickProtocolMessage(message: string, protocol: string): string {
  try {
    const j = JSON.parse(message) as Record<string, unknown>;
    if (j && typeof j === 'object' && typeof j.default === 'string') return String(j[protocol] ?? j.default);
  } catch {
    // a plain message
  }
  return message;
}

export { GROUPS };
