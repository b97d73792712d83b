import type { Session, User } from "@authsvc/store";
import type { AuthContext } from "../context";
import { hmac, safeEqual } from "../crypto/secrets";
import { AuthError } from "../errors";
import { accessTokenKey, ACCESS_TOKEN_TYP, encodeHeader, KEY_CLOCK_SKEW_SEC, readKeys, signWith, verifiedWith } from "./signing-keys";

export interface AccessClaims {
  sub: string;
  sid: string;
  /** The session's renewal generation when the token was issued. */
  gen: number;
  role: string;
  iss: string;
  aud: string | string[];
  iat: number;
  exp: number;
  [extra: string]: unknown;
}

const encodePart = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
const HMAC_HEADER = encodeHeader({ alg: "HS256", typ: ACCESS_TOKEN_TYP });

/**
 * Signs synchronously (node:crypto), like verifyAccessToken checks: jose's SignJWT goes
 * through WebCrypto (a key import and a sign job on libuv's pool, behind any queued work) for
 * the same bytes. HS256 with AUTH_SECRET's derived key, or ES256 / EdDSA with the current kept
 * key, named by `kid` (options.tokenAlg). The claims are in the order SignJWT wrote them, so
 * tokens are byte for byte what jose made (access-token.test.ts compares the two).
 */
export async function signAccessToken(
  ctx: AuthContext,
  input: { user: User; session: Session; role?: string; extra?: Record<string, unknown> },
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(ctx.now() / 1000);
  const exp = iat + ctx.options.accessTokenTtlSec;
  const payload = {
    ...input.extra,
    sid: input.session.id,
    gen: input.session.generation,
    role: input.role ?? input.user.role,
    sub: String(input.user.id),
    iss: ctx.options.issuer,
    aud: ctx.options.audience,
    iat,
    exp,
  };
  if (ctx.options.tokenAlg === "HS256") {
    const signed = `${HMAC_HEADER}.${encodePart(payload)}`;
    return { token: `${signed}.${hmac(ctx.keys.accessToken, signed)}`, expiresAt: exp * 1000 };
  }
  const key = await accessTokenKey(ctx);
  const signed = `${key.accessTokenHeader}.${encodePart(payload)}`;
  return { token: `${signed}.${signWith(key, signed)}`, expiresAt: exp * 1000 };
}

const decodePart = (part: string): unknown => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

/** Three dot-separated parts; an opaque token (base64url) has no dot. */
export const looksLikeJwt = (token: string): boolean => {
  const first = token.indexOf(".");
  const second = first === -1 ? -1 : token.indexOf(".", first + 1);
  return second !== -1 && token.indexOf(".", second + 1) === -1;
};

/**
 * How many verified tokens an instance remembers. A client presents the same access token on
 * every call until it renews it, so a check mostly meets a token it has seen; past this many
 * the oldest is forgotten and checked again when it comes back.
 */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Verifies synchronously (node:crypto) rather than through jose's WebCrypto path: WebCrypto
 * runs on the libuv pool, where password hashing queues, and a token check must never wait
 * behind it. The algorithm and key are pinned by accepting only the headers this service
 * writes, compared as text: HS256's, and each kept key's (its alg, our `typ`, its kid), so
 * nothing of a token is decoded before its signature holds and no header picks its own
 * algorithm. Every header is accepted whatever options.tokenAlg is now, so a change of
 * algorithm does not end the tokens already out.
 *
 * What does not change with time (the signature, the header, issuer, audience and claim
 * types) is checked once per token and remembered by the token's exact text, which only the
 * key's holder can make (the HMAC and the decoding were most of a token check's own work, by
 * `pnpm bench`'s profile); the clock is read on every call.
 */
export function verifyAccessToken(ctx: AuthContext, token: string, opts: { allowExpired?: boolean } = {}): AccessClaims {
  let claims = ctx.verifiedTokens.get(token);
  if (!claims) {
    claims = signedClaims(ctx, token);
    const cache = ctx.verifiedTokens;
    if (cache.size >= VERIFIED_TOKENS_KEPT) cache.delete(cache.keys().next().value as string);
    cache.set(token, claims);
  }
  const now = Math.floor(ctx.now() / 1000);
  if (claims.iat > now + KEY_CLOCK_SKEW_SEC) throw new AuthError("UNAUTHORIZED");
  if (!opts.allowExpired && claims.exp <= now) throw new AuthError("UNAUTHORIZED");
  return claims;
}

/** The claims of a token this service signed, frozen (they are shared between calls), or UNAUTHORIZED. */
function signedClaims(ctx: AuthContext, token: string): AccessClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw new AuthError("UNAUTHORIZED");
  const [h, p, sig] = parts as [string, string, string];
  let claims: AccessClaims;
  try {
    if (!signatureHolds(ctx, h, `${h}.${p}`, sig)) throw new Error("sig");
    claims = decodePart(p) as AccessClaims;
  } catch {
    throw new AuthError("UNAUTHORIZED");
  }
  const audOk = Array.isArray(claims.aud) ? claims.aud.includes(ctx.options.audience) : claims.aud === ctx.options.audience;
  if (
    claims.iss !== ctx.options.issuer ||
    !audOk ||
    typeof claims.sub !== "string" ||
    typeof claims.sid !== "string" ||
    typeof claims.gen !== "number" ||
    typeof claims.exp !== "number" ||
    typeof claims.iat !== "number"
  ) {
    throw new AuthError("UNAUTHORIZED");
  }
  return Object.freeze(claims);
}

/**
 * A header no kept key has may be a key another instance has just added (read again, at most
 * once a second); such a token is refused until then, which a key's activation delay makes
 * a case that does not happen (signing-keys.ts).
 */
const UNKNOWN_HEADER_READ_MS = 1_000;

function signatureHolds(ctx: AuthContext, header: string, input: string, sig: string): boolean {
  if (header === HMAC_HEADER) return safeEqual(hmac(ctx.keys.accessToken, input), sig);
  const set = ctx.signingKeys.set;
  const key = set?.byHeader.get(header);
  if (key) return verifiedWith(key, input, sig);
  if (!set || ctx.now() - set.readAt >= UNKNOWN_HEADER_READ_MS) {
    readKeys(ctx).catch((err: unknown) => ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, "signing key read failed"));
  }
  return false;
}
