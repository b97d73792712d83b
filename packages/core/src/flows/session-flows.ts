import type { Session, User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { AuthError } from "../errors";
import { signAccessToken, verifyAccessToken } from "../sessions/access-token";
import { requireSession, type Principal } from "../sessions/authenticate";
import { requireRecentProof } from "../factors/step-up";
import { PROFILE_CLAIM, profileClaims } from "../sessions/claims-profiles";
import { findSession, isSessionLive, listLiveSessions, revokeSession, revokeUserSessions } from "../sessions/sessions";
import { findUserById, rolesHeld } from "../users/users";
import type { SessionToken } from "./sign-in";

/**
 * Renews an access token, even an expired one, while its session lives. Only a token of the
 * session's current generation renews; an older one coming back means it was copied, so the
 * session is revoked.
 */
export async function renewAccessToken(
  ctx: AuthContext,
  token: string,
  meta?: RequestMeta,
  expect: { userId?: number } = {},
): Promise<SessionToken> {
  const claims = verifyAccessToken(ctx, token, { allowExpired: true });
  if (expect.userId !== undefined && claims.sub !== String(expect.userId)) throw new AuthError("UNAUTHORIZED");
  const session = await findSession(ctx, claims.sid);
  if (!isSessionLive(ctx, session) || String(session.userId) !== claims.sub) throw new AuthError("UNAUTHORIZED");
  const user = await findUserById(ctx, session.userId);
  if (!user || user.status === "DISABLED") throw new AuthError("UNAUTHORIZED");
  // Nothing is copied from the old token that the user row decides: a role still held is kept
  // (a renewal has no role field to ask again), one taken away since falls back to the user's
  // own, and the token's claims profile is applied again to the user as it is now.
  const role = rolesHeld(user).includes(claims.role as User["role"]) ? claims.role : user.role;
  const profile = claims[PROFILE_CLAIM];
  const extra = profileClaims(ctx, typeof profile === "string" ? profile : undefined, user);
  // Compare-and-set: of two renewals with one token, exactly one moves the generation on.
  if (!(await ctx.store.sessions.advanceGeneration(session.id, claims.gen, ctx.now()))) {
    await revokeSession(ctx, session, "token_reuse", meta);
    await audit(ctx, { kind: "token_reuse", outcome: "fail", userId: user.id, meta, detail: { sessionId: session.id } });
    throw new AuthError("TOKEN_REUSED");
  }
  const renewed: Session = { ...session, generation: claims.gen + 1 };
  const { token: next, expiresAt } = await signAccessToken(ctx, { user, session: renewed, role, extra });
  await audit(ctx, { kind: "session_renewed", userId: user.id, meta, detail: { sessionId: session.id } });
  return { user, session: renewed, token: next, tokenType: "jwt", expiresAt };
}

export async function logout(ctx: AuthContext, principal: Principal, meta?: RequestMeta): Promise<void> {
  const p = requireSession(principal);
  await revokeSession(ctx, p.session, "logout", meta);
  await audit(ctx, { kind: "logout", userId: p.user.id, meta, detail: { sessionId: p.session.id } });
}

export interface SessionView {
  id: string;
  kind: string;
  current: boolean;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

export async function listSessions(ctx: AuthContext, principal: Principal): Promise<SessionView[]> {
  const p = requireSession(principal);
  return (await listLiveSessions(ctx, p.user.id)).map((s) => ({
    id: s.id,
    kind: s.kind,
    current: s.id === p.session.id,
    createdAt: s.createdAt,
    lastUsedAt: s.lastUsedAt,
    expiresAt: s.expiresAt,
    userAgent: s.userAgent,
    ip: s.ip,
  }));
}

/** Only one's own sessions; someone else's id answers as if it did not exist. */
export async function revokeOwnSession(ctx: AuthContext, principal: Principal, sessionId: string, meta?: RequestMeta): Promise<void> {
  const p = requireSession(principal);
  const s = await findSession(ctx, sessionId);
  if (!s || s.userId !== p.user.id || !isSessionLive(ctx, s)) throw new AuthError("NOT_FOUND");
  // Signing another device out needs a fresh proof (a stolen session must not lock the owner out); signing this one out does not.
  if (s.id !== p.session.id) requireRecentProof(ctx, p.session);
  await revokeSession(ctx, s, "revoked_by_user", meta);
}

export async function revokeAllSessions(ctx: AuthContext, principal: Principal, opts: { keepCurrent: boolean }, meta?: RequestMeta): Promise<number> {
  const p = requireSession(principal);
  requireRecentProof(ctx, p.session);
  return revokeUserSessions(ctx, p.user.id, "revoked_by_user", { exceptId: opts.keepCurrent ? p.session.id : undefined, meta });
}
