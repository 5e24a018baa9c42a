// Lambda entry for POST /events: the device identity from the authorizer, the body to the core, the result as JSON.
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { kinesisClient } from '#adapters/clients.ts';
import { KinesisStreamWriter } from '#adapters/stream-writer.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { HttpError, errorResponse, json, parseJsonBody } from '#shared/http.ts';
import { logger, metrics } from '#shared/observability.ts';
import { ingestEvents, type Device, type StreamWriter } from './ingest-events.ts';

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<Partial<Device>>;

/** Builds the handler around its stream port and clock. */
export const makeHandler =
  (deps: { stream: StreamWriter; now: () => Date }) =>
  async (event: Event): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const id = event.requestContext.authorizer?.lambda;
      if (!id?.deviceId || !id.kind || !id.zone) throw new HttpError(401, 'unauthorized', 'A device credential is required');
      const result = await ingestEvents(parseJsonBody(event), id as Device, deps);
      metrics.addMetric('EventsAccepted', MetricUnit.Count, result.body.accepted);
      metrics.addMetric('EventsRejected', MetricUnit.Count, result.body.rejected.length);
      metrics.publishStoredMetrics();
      if (result.body.rejected.length > 0) logger.warn('events rejected', { deviceId: id.deviceId, rejected: result.body.rejected.slice(0, 10) });
      return json(result.status, result.body);
    } catch (e) {
      if (e instanceof HttpError) return errorResponse(e);
      logger.error('ingest failed', e as Error);
      return json(500, { error: 'internal', message: 'Internal error; the events were not accepted, retry later' });
    }
  };

/** The Lambda entry point. */
export const handler = lazyHandler(() =>
  makeHandler({ stream: new KinesisStreamWriter(kinesisClient(), requireEnv(ENV.streamName)), now: () => new Date() }),
);
