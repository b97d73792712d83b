import type { Session, User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { AuthError } from "../errors";
import { signAccessToken } from "../sessions/access-token";
import { profileClaims } from "../sessions/claims-profiles";
import { issueOpaqueToken } from "../sessions/opaque-token";
import { issueDeviceToken } from "../sessions/device";
import { createSession, type SessionKind } from "../sessions/sessions";
import { rolesHeld } from "../users/users";
import { isSecondStepOwed, owedSecondStep, secondFactorRequired, type SecondStepOwed } from "../factors/second-step";

/** What the door hands back to its client after a sign-in. */
export type TokenRequest =
  /** A JWT access token; `role` must be one the user holds; `profile` names a registered claims profile. */
  | { type: "jwt"; role?: string; profile?: string }
  /** Family 001's opaque bearer token. */
  | { type: "bearer" }
  /** The web app's HttpOnly cookie: opaque, as long as the session. */
  | { type: "cookie" };

/** A session's token, as a sign-in or a renewal hands it out. */
export interface SessionToken {
  user: User;
  session: Session;
  token: string;
  tokenType: TokenRequest["type"];
  expiresAt: number;
}

/** What every sign-in hands back; a renewal (no sign-in) gives only the SessionToken. */
export interface SignedIn extends SessionToken {
  /** A new known-device token for this account (sessions/device.ts), for the client to keep and present. */
  deviceToken: string;
  /**
   * The proof that signed in took this identifier off another account, one somebody controls
   * otherwise, and this is a new account for it (users/claims.ts, proveClaim). The door tells
   * the person in one sentence; the REST families keep their documented bodies.
   */
  claimMoved?: "phone" | "email";
}

/** The signed-in result with the proof's `claimMoved`, when the proof moved a claim. */
export const withClaimMoved = (s: SignedIn, claimMoved: SignedIn["claimMoved"]): SignedIn => (claimMoved ? { ...s, claimMoved } : s);

const sessionKind = (t: TokenRequest): SessionKind => (t.type === "cookie" ? "web" : t.type === "bearer" ? "mobile" : "api");

/** A role in a request is a wish, never a grant. */
export function assertRoleHeld(user: User, t: TokenRequest): void {
  if (t.type === "jwt" && t.role !== undefined && !rolesHeld(user).includes(t.role as User["role"])) {
    throw new AuthError("ROLE_NOT_HELD");
  }
}

/** What a first factor opens: the session, or, for an account with a second factor, the second step it owes. */
export type Opened = Session | SecondStepOwed;

/**
 * Opens the session for a first factor (password, PIN, a code); runs inside the flow's
 * transaction. Every sign-in passes here, so an account with a confirmed second factor gets a
 * ticket for the second step instead, whichever door it came through (factors/second-step.ts);
 * `issueToken` then answers SECOND_FACTOR_REQUIRED, after the transaction commits the first
 * step's work (a code consumed stays consumed).
 */
export async function openSession(ctx: AuthContext, user: User, t: TokenRequest, meta: RequestMeta | undefined, method: string): Promise<Opened> {
  const factors = await ctx.store.factors.confirmedKinds(user.id);
  if (factors.length === 0) return openSessionNow(ctx, user, t, meta, method);
  assertRoleHeld(user, t);
  return owedSecondStep(ctx, user, t, meta, method, factors);
}

/** The session itself: after a first factor on an account without a second, or after the second step. */
export async function openSessionNow(ctx: AuthContext, user: User, t: TokenRequest, meta: RequestMeta | undefined, method: string): Promise<Session> {
  assertRoleHeld(user, t);
  const session = await createSession(ctx, { userId: user.id, kind: sessionKind(t), meta });
  await audit(ctx, { kind: "login", userId: user.id, meta, detail: { method, sessionId: session.id } });
  return session;
}

/** A token for a live session (a sign-in's, or an existing one's); no device token. */
export async function sessionToken(ctx: AuthContext, user: User, session: Session, t: TokenRequest): Promise<SessionToken> {
  if (t.type === "jwt") {
    const extra = profileClaims(ctx, t.profile, user);
    const { token, expiresAt } = await signAccessToken(ctx, { user, session, role: t.role, extra });
    return { user, session, token, tokenType: "jwt", expiresAt };
  }
  const ttlSec = t.type === "bearer" ? ctx.options.bearerTokenTtlSec : ctx.options.sessionTtlSec;
  const { token, expiresAt } = await issueOpaqueToken(ctx, { kind: t.type, userId: user.id, sessionId: session.id, ttlSec });
  return { user, session, token, tokenType: t.type, expiresAt: Math.min(expiresAt, session.expiresAt) };
}

/**
 * Issues the token for a session opened by `openSession`, after the transaction, with a new
 * device token: every door that signs in passes here, so each sign-in makes the client a
 * known device of the account (sessions/device.ts).
 */
export async function issueToken(ctx: AuthContext, user: User, opened: Opened, t: TokenRequest): Promise<SignedIn> {
  if (isSecondStepOwed(opened)) throw secondFactorRequired(opened);
  const session = opened;
  return { ...(await sessionToken(ctx, user, session, t)), deviceToken: issueDeviceToken(ctx, user.id) };
}
