// The local stand-in for the Cognito user pool: RS256 access tokens for the operator groups, signed and verified here.
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';

/** The three operator groups. */
export const GROUPS = ['operator', 'supervisor', 'admin'] as const;
export type Group = (typeof GROUPS)[number];

/** Signs and verifies the local province's tokens. */
export class LocalIssuer {
  private constructor(
    readonly issuer: string,
    readonly clientId: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly kid: string,
  ) {}

  static async create(issuer: string, clientId: string): Promise<LocalIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = `local-${Math.random().toString(36).slice(2, 10)}`;
    return new LocalIssuer(issuer, clientId, privateKey as CryptoKey, publicKey as CryptoKey, kid);
  }

  /** An access token like Cognito's for `username` in `groups`, valid `ttlSeconds` (wall clock). */
  async token(username: string, groups: readonly string[], ttlSeconds = 12 * 3600, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
    return new SignJWT({
      'cognito:groups': [...groups],
      'cognito:username': username,
      username,
      client_id: this.clientId,
      token_use: 'access',
      scope: 'openid email',
      auth_time: nowSeconds,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(`local-${username}`)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ttlSeconds)
      .setJti(`${username}-${nowSeconds}-${Math.random().toString(36).slice(2, 8)}`)
      .sign(this.privateKey);
  }

  /** The public key set (for a /.well-known/jwks.json endpoint). */
  async jwks(): Promise<{ keys: unknown[] }> {
    return { keys: [{ ...(await exportJWK(this.publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  /**
   * Verifies a token as API Gateway's JWT authorizer does: signature, expiry, issuer, and the audience (`aud`, or
   * `client_id` for access tokens) among `audiences`. Returns the claims or the reason it was refused.
   */
  async verify(token: string, issuer: string, audiences: readonly string[]): Promise<{ claims: JWTPayload } | { error: string }> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer, algorithms: ['RS256'] });
      const aud = [payload.aud, payload.client_id].flat().filter(Boolean) as string[];
      if (audiences.length > 0 && !aud.some((a) => audiences.includes(a))) return { error: 'audience not allowed' };
      return { claims: payload };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

/** Claims as HTTP API hands them to an integration: every value a string, arrays as "[a b]". */
export function flattenClaims(claims: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}
