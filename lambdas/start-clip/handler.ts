// Lambda entry for POST /clips (JWT, operators): its own function because it alone may start Rekognition Video jobs
// and pass the role Rekognition assumes to publish the completion notification.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CameraStore } from '#adapters/camera-store.ts';
import { ClipStore } from '#adapters/clip-store.ts';
import { documentClient, rekognitionClient, s3Client } from '#adapters/clients.ts';
import { FrameStore } from '#adapters/frame-store.ts';
import { MetricCounter } from '#adapters/metric-counter.ts';
import { RekognitionAdapter } from '#adapters/rekognition.ts';
import { UsageCounter, parseDailyCap } from '#adapters/usage-counter.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger, metrics } from '#shared/observability.ts';
import { bundledRegistry } from '#shared/province.ts';
import type { ModuleName } from '../../lib/config/schema.ts';
import { routesFor } from '../operator-api/api-spec.ts';
import { makeRouter } from '../operator-api/router.ts';
import { startClipRoutes, type StartClipDeps } from './start-clip.ts';

/** Builds the handler: the operator router over the start-clip function's routes only (same role checks, validation). */
export const makeHandler = (deps: StartClipDeps & { modules: readonly ModuleName[]; metrics: { flush?(): void } }) => {
  const route = makeRouter(routesFor(deps.modules, 'start-clip'), startClipRoutes(deps), logger);
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      return await route(event);
    } finally {
      deps.metrics.flush?.();
    }
  };
};

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const db = documentClient();
  const registry = bundledRegistry();
  const table = requireEnv(ENV.registryTable);
  const bucket = requireEnv(ENV.framesBucket);
  return makeHandler({
    modules: registry.modules,
    bucket,
    dailyCap: parseDailyCap(requireEnv(ENV.rekognitionDailyCap)),
    channel: { topicArn: requireEnv(ENV.clipTopicArn), roleArn: requireEnv(ENV.clipRoleArn) },
    cameras: new CameraStore(db, table, registry.cameras),
    clips: new ClipStore(db, table),
    usage: new UsageCounter(db, table),
    objects: new FrameStore(s3Client(), bucket),
    rekognition: new RekognitionAdapter(rekognitionClient()),
    metrics: new MetricCounter(metrics),
    log: logger,
    now: () => new Date(),
  });
});
