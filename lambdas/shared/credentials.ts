// Device credentials: a random 256-bit secret shown once, stored only as its SHA-256 hash, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A credential as the device presents it: `<deviceId>.<secret>`. */
export interface IssuedCredential {
  readonly token: string;
  readonly hash: string;
}

/**
 * A new credential for `deviceId`. The secret has 256 bits of entropy, so a fast hash is safe to store (unlike a
 * human password, it cannot be guessed from a dictionary); a slow KDF would only add authorizer latency.
 */
export function issueCredential(deviceId: string): IssuedCredential {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${deviceId}.${secret}`, hash: hashSecret(secret) };
}

/** Hex SHA-256 of a secret. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Splits `Device <id>.<secret>` or `Bearer <id>.<secret>` (or the bare token); undefined when malformed. */
export function parseCredential(header: string | undefined): { deviceId: string; secret: string } | undefined {
  if (!header) return undefined;
  const token = header.replace(/^(Device|Bearer)\s+/i, '').trim();
  const m = /^([a-z0-9][a-z0-9-]{1,62})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { deviceId: m[1]!, secret: m[2]! } : undefined;
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
