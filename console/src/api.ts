// The operator API client: bearer token, JSON in and out, and the API's error shape as a typed error.

/** One problem the API reported with a request: the JSON path of the field and what was expected. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** The API's error body `{ error, message, problems?, current? }`. */
export interface ErrorBody {
  readonly error?: string;
  readonly message?: string;
  readonly problems?: Problem[];
  readonly current?: unknown;
}

/** A non-2xx answer of the API (status 0: the network failed). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message ?? (status === 0 ? 'network error' : `HTTP ${status}`));
    this.name = 'ApiError';
  }
}

/** Options of {@link Api}. */
export interface ApiOptions {
  /** The API's base URL (absolute, or relative to the page). */
  readonly baseUrl: string;
  readonly token: () => string | undefined;
  /** Called on a 401: the token expired or was refused. */
  readonly onUnauthorized: () => void;
}

/** A thin client of the operator API. */
export class Api {
  private readonly base: string;

  constructor(private readonly o: ApiOptions) {
    this.base = new URL(o.baseUrl || '.', document.baseURI).href.replace(/\/$/, '');
  }

  /** GET `path` with `query` (undefined values left out). */
  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
    const qs = q.toString();
    return this.send<T>('GET', qs ? `${path}?${qs}` : path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.o.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, { error: 'network', message: (e as Error).message });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    if (res.status === 401) this.o.onUnauthorized();
    if (!res.ok) throw new ApiError(res.status, (parsed ?? {}) as ErrorBody);
    return parsed as T;
  }
}

/** Whether `e` says the route does not exist (a module that is off, or an API without it yet). */
export const isMissing = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
