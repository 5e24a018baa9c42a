// Reads environment variables once, failing loudly with the variable's name when one is missing.

/** The value of `name`; throws `Missing environment variable NAME` when unset or empty. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Missing environment variable ${name}`);
  return value;
}

/** A positive integer from `name`. */
export function requireIntEnv(name: string): number {
  const raw = requireEnv(name);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`Environment variable ${name} must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * A handler whose dependencies are built on the first invocation and then reused by the container, so that
 * importing a handler module (in tests, in the local runner) never needs the environment.
 */
export function lazyHandler<E, C, R>(build: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return (event, context) => (built ??= build())(event, context);
}
