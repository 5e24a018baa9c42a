// The HTTP API on localhost: the template's routes (route keys, Lambda proxy integrations, payload format 2.0), its
// JWT authorizer (local tokens) and Lambda REQUEST authorizers (simple responses, cached for the template's TTL).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Provisioned } from './provision.ts';
import { flattenClaims, type LocalIssuer } from './tokens.ts';

/** One route of the API, compiled for matching. */
export interface LocalRoute {
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  readonly params: string[];
  /** Literal segments: the more, the more specific (API Gateway prefers literal matches). */
  readonly specificity: number;
  readonly functionArn: string;
  readonly auth:
    | { type: 'NONE' }
    | { type: 'JWT'; issuer: string; audience: string[] }
    | { type: 'CUSTOM'; functionArn: string; identitySource: string[]; ttlSeconds: number; simple: boolean };
}

/** Compiles `/sensors/{id}/latest` into a regular expression with named parameters (`{proxy+}` spans segments). */
export function compilePath(path: string): { pattern: RegExp; params: string[]; specificity: number } {
  const params: string[] = [];
  let specificity = 0;
  const source = path
    .split('/')
    .map((seg) => {
      const m = /^\{(\w+)(\+?)\}$/.exec(seg);
      if (!m) {
        if (seg) specificity++;
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      params.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), params, specificity };
}

/** Reads the API's routes, integrations and authorizers from the provisioned template. */
export function routesOf(p: Provisioned): LocalRoute[] {
  const byRef = (type: string) => new Map((p.byType.get(type) ?? []).map(([id]) => [p.ctx.refs[id]!, id]));
  const integrations = byRef('AWS::ApiGatewayV2::Integration');
  const authorizers = byRef('AWS::ApiGatewayV2::Authorizer');
  return (p.byType.get('AWS::ApiGatewayV2::Route') ?? []).map(([id]) => {
    const r = p.props.get(id)! as { RouteKey: string; Target?: string; AuthorizationType?: string; AuthorizerId?: string };
    const integrationId = integrations.get(String(r.Target ?? '').replace(/^integrations\//, ''));
    if (!integrationId) throw new Error(`route ${r.RouteKey}: no integration ${r.Target}`);
    const integration = p.props.get(integrationId)! as { IntegrationType: string; IntegrationUri: string; PayloadFormatVersion?: string };
    if (integration.IntegrationType !== 'AWS_PROXY' || (integration.PayloadFormatVersion ?? '2.0') !== '2.0') {
      throw new Error(`route ${r.RouteKey}: only Lambda proxy integrations with payload format 2.0 run locally`);
    }
    let auth: LocalRoute['auth'] = { type: 'NONE' };
    if (r.AuthorizationType === 'JWT' || r.AuthorizationType === 'CUSTOM') {
      const a = p.props.get(authorizers.get(String(r.AuthorizerId))!)! as {
        AuthorizerType: string;
        JwtConfiguration?: { Issuer: string; Audience: string[] };
        AuthorizerUri?: string;
        IdentitySource?: string[];
        AuthorizerResultTtlInSeconds?: number;
        EnableSimpleResponses?: boolean;
      };
      if (a.AuthorizerType === 'JWT') auth = { type: 'JWT', issuer: a.JwtConfiguration!.Issuer, audience: a.JwtConfiguration!.Audience ?? [] };
      else {
        const fn = /functions\/(.+)\/invocations$/.exec(a.AuthorizerUri ?? '')?.[1];
        if (!fn) throw new Error(`authorizer of ${r.RouteKey}: cannot read its function from ${a.AuthorizerUri}`);
        auth = { type: 'CUSTOM', functionArn: fn, identitySource: a.IdentitySource ?? [], ttlSeconds: a.AuthorizerResultTtlInSeconds ?? 300, simple: a.EnableSimpleResponses ?? false };
      }
    }
    const [method, path] = r.RouteKey === '$default' ? ['ANY', '/{proxy+}'] : (r.RouteKey.split(' ') as [string, string]);
    return { routeKey: r.RouteKey, method, path, ...compilePath(path), functionArn: integration.IntegrationUri, auth };
  });
}

/** The route a request takes: the most specific match of its method (then ANY); undefined when none. */
export function matchRoute(routes: readonly LocalRoute[], method: string, path: string): { route: LocalRoute; pathParameters: Record<string, string> } | undefined {
  const candidates = routes
    .filter((r) => (r.method === method || r.method === 'ANY') && r.pattern.test(path))
    .sort((a, b) => b.specificity - a.specificity || (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0));
  const route = candidates[0];
  if (!route) return undefined;
  const m = route.pattern.exec(path)!;
  return { route, pathParameters: Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(m[i + 1]!)])) };
}

/** Options of {@link startHttpApi}. */
export interface HttpApiOptions {
  readonly routes: readonly LocalRoute[];
  readonly invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  readonly issuer: LocalIssuer;
  readonly region: string;
  readonly port?: number;
  /** Serves other paths (e.g. the console) before 404. */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  readonly log?: (line: string) => void;
}

/** A running local API. */
export interface LocalHttpApi {
  readonly url: string;
  readonly stats: { requests: number; byStatus: Record<string, number> };
  stop(): Promise<void>;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|.*\+json)/;

/** Starts the API on 127.0.0.1. */
export async function startHttpApi(o: HttpApiOptions): Promise<LocalHttpApi> {
  const cache = new Map<string, { until: number; result: { isAuthorized: boolean; context?: Record<string, unknown> } }>();
  const stats = { requests: 0, byStatus: {} as Record<string, number> };
  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, headers);
    res.end(body);
  };
  const message = (res: ServerResponse, status: number, text: string) =>
    send(res, status, { 'content-type': 'application/json' }, JSON.stringify({ message: text }));

  const server: Server = createServer(async (req, res) => {
    stats.requests++;
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = matchRoute(o.routes, req.method ?? 'GET', url.pathname);
      if (!match) {
        if (o.fallback && (await o.fallback(req, res))) return;
        return message(res, 404, 'Not Found');
      }
      const { route, pathParameters } = match;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
      const contentType = headers['content-type'] ?? '';
      const binary = raw.length > 0 && !TEXT_TYPES.test(contentType);
      const now = new Date();
      const requestContext: Record<string, unknown> = {
        accountId: '123456789012',
        apiId: 'localapi',
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'localapi',
        http: { method: req.method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      };
      const event: Record<string, unknown> = {
        version: '2.0',
        routeKey: route.routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        cookies: headers.cookie ? headers.cookie.split(/;\s*/) : undefined,
        headers,
        queryStringParameters: Object.keys(query).length ? query : undefined,
        pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
        requestContext,
        body: raw.length ? (binary ? raw.toString('base64') : raw.toString('utf8')) : undefined,
        isBase64Encoded: binary,
      };

      if (route.auth.type === 'JWT') {
        const header = headers.authorization;
        if (!header) return message(res, 401, 'Unauthorized');
        const verified = await o.issuer.verify(header.replace(/^Bearer\s+/i, ''), route.auth.issuer, route.auth.audience);
        if ('error' in verified) {
          o.log?.(`JWT refused on ${route.routeKey}: ${verified.error}`);
          return message(res, 401, 'Unauthorized');
        }
        const scopes = typeof verified.claims.scope === 'string' ? verified.claims.scope.split(' ') : [];
        requestContext.authorizer = { jwt: { claims: flattenClaims(verified.claims), scopes } };
      } else if (route.auth.type === 'CUSTOM') {
        const identity = route.auth.identitySource.map((s) => headers[s.replace(/^\$request\.header\./i, '').toLowerCase()]);
        if (identity.some((v) => !v)) return message(res, 401, 'Unauthorized');
        const key = `${route.auth.functionArn}|${identity.join('|')}`;
        let decision = cache.get(key);
        if (!decision || decision.until < Date.now()) {
          const authEvent = { ...event, type: 'REQUEST', routeArn: `arn:aws:execute-api:${o.region}:123456789012:localapi/$default/${req.method}${url.pathname}`, identitySource: identity };
          const result = (await o.invoke(route.auth.functionArn, authEvent)) as { isAuthorized?: boolean; context?: Record<string, unknown> };
          decision = { until: Date.now() + route.auth.ttlSeconds * 1000, result: { isAuthorized: result?.isAuthorized === true, context: result?.context } };
          if (route.auth.ttlSeconds > 0) cache.set(key, decision);
        }
        if (!decision.result.isAuthorized) return message(res, 403, 'Forbidden');
        requestContext.authorizer = { lambda: decision.result.context ?? {} };
      }

      let result: unknown;
      try {
        result = await o.invoke(route.functionArn, event);
      } catch (e) {
        o.log?.(`${route.routeKey}: ${(e as Error).message}`);
        return message(res, 500, 'Internal Server Error');
      }
      if (result && typeof result === 'object' && 'statusCode' in result) {
        const r = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
        const out: Record<string, string | string[]> = { ...(r.headers ?? {}) };
        if (r.cookies?.length) out['set-cookie'] = r.cookies;
        stats.byStatus[r.statusCode] = (stats.byStatus[r.statusCode] ?? 0) + 1;
        res.writeHead(r.statusCode, out);
        res.end(r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body);
        return;
      }
      // Payload 2.0 without a status code: API Gateway answers 200 with the result as JSON.
      send(res, 200, { 'content-type': 'application/json' }, typeof result === 'string' ? result : JSON.stringify(result ?? null));
    } catch (e) {
      o.log?.(`local API error: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) message(res, 500, 'Internal Server Error');
    }
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
