// HTTP API (payload 2.0) helpers: JSON responses, typed errors and zod validation with the path of the bad field.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ZodType } from 'zod';
import { jsonPath } from '../../lib/config/schema.ts';

/** One problem with a request: where (`$.events[3].ts`, or a query parameter name) and what was expected. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** An error that becomes an HTTP response with a JSON body `{ error, message, problems? , current? }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A JSON response; never cached (operator data is live and private). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** The response for an HttpError. */
export const errorResponse = (e: HttpError) => json(e.status, { error: e.code, message: e.message, ...e.extra });

/** Problems of a failed zod parse, paths rooted at `root` (`$` for bodies, '' for query parameters). */
export function problemsOf(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, root: '$' | '' = '$'): Problem[] {
  return issues.map((i) => ({
    path: root === '$' ? jsonPath(i.path) : i.path.map(String).join('.') || '(query)',
    message: i.message,
  }));
}

/** 400 for a body or query that failed validation; the message names the first bad field. */
export function badRequest(problems: Problem[], what = 'request'): HttpError {
  const first = problems[0];
  const message = first ? `Invalid ${what}: ${first.path}: ${first.message}` : `Invalid ${what}`;
  return new HttpError(400, 'bad_request', message, { problems });
}

/** Parses the JSON body (base64 bodies decoded as UTF-8); 400 when it is not JSON. */
export function parseJsonBody(event: { body?: string; isBase64Encoded?: boolean }): unknown {
  if (event.body === undefined || event.body === '') throw new HttpError(400, 'bad_request', 'Invalid request: a JSON body is required');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'bad_request', `Invalid request: the body is not JSON (${(e as Error).message})`);
  }
}

/** Validates `value` with `schema` or throws a 400 naming the bad field. */
export function validate<T>(schema: ZodType<T>, value: unknown, root: '$' | '' = '$', what = 'request body'): T {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(problemsOf(r.error.issues, root), what);
  return r.data;
}
