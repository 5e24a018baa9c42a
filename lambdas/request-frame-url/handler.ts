// Lambda entry for POST /cameras/{id}/frames (device authorizer): a presigned S3 PUT for one frame of that camera.
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CameraStore } from '#adapters/camera-store.ts';
import { documentClient, s3Client } from '#adapters/clients.ts';
import { FrameStore } from '#adapters/frame-store.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { HttpError, errorResponse, json, parseJsonBody } from '#shared/http.ts';
import { logger, metrics } from '#shared/observability.ts';
import { bundledRegistry } from '#shared/province.ts';
import { requestFrameUrl, type CameraIdentity, type RequestFrameUrlDeps } from './request-frame-url.ts';

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<CameraIdentity>;

/** Builds the handler around its ports. */
export const makeHandler =
  (deps: RequestFrameUrlDeps) =>
  async (event: Event): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const identity = event.requestContext.authorizer?.lambda;
      const ticket = await requestFrameUrl(event.pathParameters?.id, identity, () => parseJsonBody(event), deps);
      metrics.addMetric('FrameUrlsIssued', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      return json(200, ticket);
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.status === 403) logger.warn('frame URL refused', { path: event.rawPath, deviceId: event.requestContext.authorizer?.lambda?.deviceId });
        return errorResponse(e);
      }
      logger.error('frame URL failed', e as Error);
      return json(500, { error: 'internal', message: 'Internal error; retry later' });
    }
  };

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const registry = bundledRegistry();
  return makeHandler({
    frames: new FrameStore(s3Client(), requireEnv(ENV.framesBucket)),
    cameras: new CameraStore(documentClient(), requireEnv(ENV.registryTable), registry.cameras),
    now: () => new Date(),
  });
});
