// The stream consumer: event source mapping that cannot block a shard, its encrypted failure queue, its bindings.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthProvince } from '../helpers/synth.ts';

describe('StreamProcessor', () => {
  const { template, stack } = synthProvince('hue');
  const queueArn = stack.resolve(stack.processor.failureQueue.queueArn);
  const queueId = logicalIdOf(stack, stack.processor.failureQueue);

  it('reads the stream from the trim horizon in bounded, bisected, per-item-reported batches', () => {
    // One mapping reads the stream, and it is process-stream's only one; other mappings (the crowd module's frames
    // queue) belong to other functions.
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const onStream = mappings.filter((m) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(stack.resolve(stack.ingest.stream.streamArn)));
    const ofProcessor = mappings.filter((m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify(stack.resolve(stack.processor.fn.fn.functionName)));
    expect(onStream).toHaveLength(1);
    expect(ofProcessor).toEqual(onStream);
    expect(mappings).toHaveLength(1 + (stack.vision ? 1 : 0));
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.ingest.stream.streamArn),
      FunctionName: stack.resolve(stack.processor.fn.fn.functionName),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 24 * 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
  });

  it('keeps failures 14 days in a queue encrypted with the province key that refuses plain HTTP', () => {
    // The failure queue, and the crowd module's frames queue and its DLQ.
    const queues = [stack.processor.failureQueue, ...(stack.vision ? [stack.vision.framesQueue, stack.vision.framesDlq] : [])];
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).sort()).toEqual(queues.map((q) => logicalIdOf(stack, q)).sort());
    expect(template.toJSON().Resources[queueId].Properties).toMatchObject({
      KmsMasterKeyId: stack.resolve(stack.key.key.keyArn),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(template.toJSON().Resources[queueId].Properties.RedrivePolicy).toBeUndefined();
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives process-stream its tables, failure queue and observation retention', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'process-stream',
          OBSERVATIONS_TABLE: stack.resolve(stack.store.observations.tableName),
          REGISTRY_TABLE: stack.resolve(stack.store.registry.tableName),
          FAILURE_QUEUE_URL: stack.resolve(stack.processor.failureQueue.queueUrl),
          OBSERVATION_RETENTION_DAYS: '180',
        }),
      },
    });
  });

  it('lets process-stream send to the failure queue with the data-key calls only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(stack.processor.fn.role.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }]),
      },
    });
  });
});
