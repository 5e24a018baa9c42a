// Dispatches an HTTP API request by its routeKey to the route's implementation, after role checks and validation.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError, errorResponse, json, parseJsonBody, validate } from '#shared/http.ts';
import { ROLES, routeKey, type Role, type RouteSpec } from './api-spec.ts';

/** The signed-in operator, from the JWT the authorizer verified. */
export interface Caller {
  readonly username: string;
  readonly groups: readonly string[];
  /** The strongest role among the groups, or undefined when none is an operator group. */
  readonly role: Role | undefined;
}

/** What a route implementation receives (already validated). */
export interface RouteInput {
  readonly params: Record<string, string>;
  readonly query: any;
  readonly body: any;
  readonly caller: Caller;
}

/** A route implementation: returns the body (status from the spec) or a full response. */
export type RouteImpl = (input: RouteInput) => Promise<unknown>;

/** Reads `cognito:groups`, which HTTP API hands over as "[a b]" (or a JSON array, or a comma list). */
export function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  const s = raw.trim();
  if (s.startsWith('[') && s.includes('"')) {
    try {
      return (JSON.parse(s) as unknown[]).map(String);
    } catch {
      // fall through to the bracketed form
    }
  }
  return s.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

/** The caller of an authorized request. */
export function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims) return undefined;
  const groups = parseGroups(claims['cognito:groups']);
  const role = [...ROLES].reverse().find((r) => groups.includes(r));
  const username = String(claims['cognito:username'] ?? claims.username ?? claims.email ?? claims.sub ?? 'unknown');
  return { username, groups, role };
}

/** A router over `specs` with `impls` keyed by routeKey; refuses to build when one lacks the other. */
export function makeRouter(specs: readonly RouteSpec[], impls: Record<string, RouteImpl>, log?: { error(m: string, e: Error): void }) {
  const table = new Map(specs.map((s) => [routeKey(s), s]));
  const missing = specs.map(routeKey).filter((k) => !impls[k]);
  if (missing.length) throw new Error(`operator routes without implementation: ${missing.join(', ')}`);

  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const spec = table.get(event.routeKey);
      if (!spec) throw new HttpError(404, 'not_found', `No route ${event.routeKey}`);
      const caller = callerOf(event);
      if (!caller) throw new HttpError(401, 'unauthorized', 'Sign in: a valid token is required');
      if (!caller.role || ROLES.indexOf(caller.role) < ROLES.indexOf(spec.minRole)) {
        throw new HttpError(403, 'forbidden', `This action needs the ${spec.minRole} role`, { required: spec.minRole });
      }
      const params = spec.params ? validate(spec.params, event.pathParameters ?? {}, '', 'path parameter') : (event.pathParameters ?? {});
      const query = spec.query ? validate(spec.query, event.queryStringParameters ?? {}, '', 'query parameter') : {};
      const body = spec.body ? validate(spec.body, parseJsonBody(event)) : undefined;
      const result = await impls[routeKey(spec)]!({ params: params as Record<string, string>, query, body, caller });
      if (isResponse(result)) return result;
      return json(spec.status ?? 200, result);
    } catch (e) {
      if (e instanceof HttpError) return errorResponse(e);
      log?.error('operator API request failed', e as Error);
      return json(500, { error: 'internal', message: 'Internal error' });
    }
  };
}

function isResponse(x: unknown): x is APIGatewayProxyStructuredResultV2 {
  return typeof x === 'object' && x !== null && 'statusCode' in x;
}
