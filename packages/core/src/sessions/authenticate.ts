import type { Session, User } from "@authsvc/store";
import type { AuthContext } from "../context";
import { AuthError } from "../errors";
import { findUserById } from "../users/users";
import { looksLikeJwt, verifyAccessToken, type AccessClaims } from "./access-token";
import { findOpaqueToken } from "./opaque-token";
import { findSession, findSessionWithUser, isSessionLive, touchSession } from "./sessions";

export interface Principal {
  user: User;
  /** Absent only for a password-reset link, which stands for no session. */
  session: Session | null;
  /** `password_reset` tokens may only set a new password, once. */
  scope: "full" | "password_reset";
  via: "jwt" | "bearer" | "cookie" | "password_reset";
  claims?: AccessClaims;
  /** The opaque token's row id, for single-use tokens. */
  tokenId?: number;
}

async function liveUser(ctx: AuthContext, id: number): Promise<User> {
  const user = await findUserById(ctx, id);
  if (!user || user.status === "DISABLED") throw new AuthError("UNAUTHORIZED");
  return user;
}

/**
 * Any token any door issued: a JWT access token, family 001's opaque bearer, the web
 * cookie's token or a reset link's. Every check reads the session, so a revoked session's
 * tokens stop at once.
 */
export async function authenticate(ctx: AuthContext, token: string): Promise<Principal> {
  if (!token || token.length > 4096) throw new AuthError("UNAUTHORIZED");
  if (looksLikeJwt(token)) {
    const claims = verifyAccessToken(ctx, token);
    // The session and its user in one read (one round trip on a database server).
    const found = await findSessionWithUser(ctx, claims.sid);
    if (!found || !isSessionLive(ctx, found.session) || String(found.session.userId) !== claims.sub) throw new AuthError("UNAUTHORIZED");
    const { session, user } = found;
    await touchSession(ctx, session);
    if (user.status === "DISABLED") throw new AuthError("UNAUTHORIZED");
    return { user, session, scope: "full", via: "jwt", claims };
  }
  const row = await findOpaqueToken(ctx, token);
  if (!row) throw new AuthError("UNAUTHORIZED");
  if (row.kind === "password_reset") {
    return { user: await liveUser(ctx, row.userId), session: null, scope: "password_reset", via: "password_reset", tokenId: row.id };
  }
  const session = row.sessionId ? await findSession(ctx, row.sessionId) : undefined;
  if (!isSessionLive(ctx, session)) throw new AuthError("UNAUTHORIZED");
  await touchSession(ctx, session);
  return { user: await liveUser(ctx, session.userId), session, scope: "full", via: row.kind, tokenId: row.id };
}

/** A principal that may act with the full account (not a reset link). */
export function requireSession(p: Principal): Principal & { session: Session } {
  if (p.scope !== "full" || !p.session) throw new AuthError("UNAUTHORIZED");
  return p as Principal & { session: Session };
}
