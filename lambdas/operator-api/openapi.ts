// Builds the OpenAPI 3.1 document of a province's whole HTTP API from the same zod schemas the handlers validate with.
import { z } from 'zod';
import type { ModuleName } from '../../lib/config/schema.ts';
import { deviceEventSchema, MAX_EVENTS } from '../ingest-events/ingest-events.ts';
import { frameUploadBody } from '../request-frame-url/request-frame-url.ts';
import { routesFor, type RouteSpec } from './api-spec.ts';

type Json = Record<string, unknown>;

const errorSchema: Json = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'machine-readable code: bad_request, unauthorized, forbidden, not_found, conflict, ...' },
    message: { type: 'string' },
    problems: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'] },
    },
    current: { description: 'the current state, on 409' },
  },
};

const errors = (...codes: number[]): Json =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: { 400: 'Bad input: `problems` names each bad field', 401: 'No or invalid token', 403: 'Role not allowed', 404: 'Unknown id', 409: 'Changed meanwhile or not allowed in this status; `current` has the current state', 413: 'Too many events' }[c] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

const schemaOf = (t: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _s, ...rest } = z.toJSONSchema(t, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

function operation(r: RouteSpec): Json {
  const parameters: Json[] = [];
  const pathNames = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const paramProps = r.params ? ((schemaOf(r.params, 'input').properties ?? {}) as Record<string, Json>) : {};
  for (const name of pathNames) parameters.push({ name, in: 'path', required: true, schema: paramProps[name] ?? { type: 'string' } });
  if (r.query) {
    const q = schemaOf(r.query, 'output');
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, Json>)) {
      const { description, ...s } = schema;
      parameters.push({ name, in: 'query', required: required.has(name) && !('default' in s), ...(description ? { description } : {}), schema: s });
    }
  }
  const codes = [401, 403, ...(r.params || r.query || r.body ? [400] : []), ...(r.params ? [404] : []), ...(r.method !== 'GET' && r.params ? [409] : [])];
  return {
    summary: r.summary,
    operationId: `${r.method.toLowerCase()}${r.path.replace(/[{}]/g, '').replace(/(^|[/.-])(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
    description: `Allowed for the ${r.minRole} role and above (groups: operator < supervisor < admin).`,
    security: [{ cognito: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
    responses: { [String(r.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: {} } } }, ...errors(...codes.sort()) },
  };
}

/** The OpenAPI 3.1 document for a province with these modules; `serverUrl` is the API's base URL when known. */
export function openApiDocument(o: { modules: readonly ModuleName[]; title?: string; serverUrl?: string }): Json {
  const paths: Record<string, Json> = {};
  for (const r of routesFor(o.modules)) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  if (o.modules.includes('crowd')) {
    paths['/cameras/{id}/frames'] = {
      post: {
        summary: "A camera's presigned S3 PUT URL for one frame (JPEG/PNG, exact size, 5 minutes)",
        operationId: 'postCamerasIdFrames',
        security: [{ device: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'the camera id of the credential' }],
        requestBody: { required: true, content: { 'application/json': { schema: schemaOf(frameUploadBody, 'input') } } },
        responses: {
          '200': { description: '{url, key, method: PUT, headers, expiresAt}: PUT the frame to url with exactly these headers' },
          ...errors(400, 401, 403),
        },
      },
    };
  }
  if (o.modules.includes('sensors')) {
    const event = schemaOf(deviceEventSchema, 'input');
    paths['/events'] = {
      post: {
        summary: `Send one event, an array, or { "events": [...] } (at most ${MAX_EVENTS}) from a device`,
        operationId: 'postEvents',
        security: [{ device: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  event,
                  { type: 'array', items: event, minItems: 1, maxItems: MAX_EVENTS },
                  { type: 'object', required: ['events'], properties: { events: { type: 'array', items: event, minItems: 1, maxItems: MAX_EVENTS } } },
                ],
              },
            },
          },
        },
        responses: {
          '200': { description: 'All events accepted' },
          '207': { description: 'Some events refused: `rejected` says which and why' },
          '503': { description: 'The stream took nothing; retry later' },
          ...errors(400, 401, 413),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: o.title ?? 'smartcity-pilot province API',
      version: '1',
      description: 'Operations-centre API of one province stack. Times are UTC (ISO 8601) on the wire.',
    },
    ...(o.serverUrl ? { servers: [{ url: o.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token; groups operator, supervisor, admin' },
        device: { type: 'apiKey', in: 'header', name: 'Authorization', description: '"Device <credential>" as issued by POST /devices' },
      },
    },
  };
}
