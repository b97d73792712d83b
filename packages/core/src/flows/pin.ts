import type { User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCodeAfter } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { proveCurrentPassword } from "../passwords/check";
import { assertPinPolicy } from "../pin/policy";
import { requireSession, type Principal } from "../sessions/authenticate";
import { markAuthenticated, provedWithin } from "../sessions/sessions";
import { transaction } from "../transaction";
import { recoveryDestination } from "../users/claims";
import { findUserByTypedUsername, getCredentials } from "../users/users";
import { issueToken, openSession, type SignedIn, type TokenRequest } from "./sign-in";

/** True when the session proved who it is recently enough for a sensitive change. */
export const isRecentlyAuthenticated = (ctx: AuthContext, p: Principal): boolean =>
  Boolean(p.session && provedWithin(ctx, p.session, ctx.options.recentAuthSec));

async function assertProof(
  ctx: AuthContext,
  p: Principal & { meta?: RequestMeta },
  currentPassword: string | undefined,
): Promise<void> {
  if (currentPassword !== undefined) return proveCurrentPassword(ctx, p.user, currentPassword, p.meta);
  if (!isRecentlyAuthenticated(ctx, p)) throw new AuthError("REAUTH_REQUIRED");
}

/** Sets or changes the 6-digit PIN; needs a recent sign-in or the current password. */
export async function setPin(
  ctx: AuthContext,
  principal: Principal,
  input: { pin: string; currentPassword?: string },
  meta?: RequestMeta,
): Promise<void> {
  const p = requireSession(principal);
  assertPinPolicy(input.pin);
  // A locked PIN is lifted only by a reset code, never by a plain change.
  if ((await getCredentials(ctx, p.user.id))?.pinLockedAt != null) throw new AuthError("PIN_LOCKED");
  await assertProof(ctx, { ...p, meta }, input.currentPassword);
  const pinHash = await ctx.hasher.hash(input.pin, ctx.options.argon2);
  const had = Boolean((await getCredentials(ctx, p.user.id))?.pinHash);
  // Guarded by the store: a lock that landed while the PIN was being hashed still wins.
  if (!(await ctx.store.credentials.setPinIfUnlocked(p.user.id, pinHash, ctx.now()))) throw new AuthError("PIN_LOCKED");
  await audit(ctx, { kind: had ? "pin_changed" : "pin_set", userId: p.user.id, meta });
}

export type PinCheck = "ok" | "wrong" | "locked" | "unset";

/**
 * Compares a PIN. A try is reserved (counted) before the slow compare, so concurrent
 * guesses can never exceed the limit; a right PIN clears the count, the last wrong one
 * locks the PIN until a reset by code. With `sameTime` (doors anyone can call) an unknown
 * user, an unset and a locked PIN are compared against a dummy hash, so they take as long
 * as a wrong PIN; without it (the signed-in person) they cost no hash.
 */
export async function checkPin(
  ctx: AuthContext,
  user: User | undefined,
  pin: string,
  meta: RequestMeta | undefined,
  opts: { sameTime: boolean },
): Promise<PinCheck> {
  const creds = user ? await getCredentials(ctx, user.id) : undefined;
  const reserved = user && creds?.pinHash ? await ctx.store.credentials.reservePinTry(user.id, ctx.options.pin.maxFailures) : undefined;
  if (!reserved && !opts.sameTime) return creds?.pinHash ? "locked" : "unset";
  const ok = (await ctx.hasher.verify(reserved?.hash ?? (await ctx.hasher.dummy(ctx.options.argon2)), pin)) && Boolean(reserved);
  if (!user || !creds?.pinHash) return "unset";
  if (!reserved) return "locked";
  if (ok) {
    await ctx.store.credentials.clearPinFailures(user.id);
    return "ok";
  }
  await audit(ctx, { kind: "pin_failed", outcome: "fail", userId: user.id, meta, detail: { failures: reserved.failures } });
  if (reserved.failures < ctx.options.pin.maxFailures) return "wrong";
  await transaction(ctx, async (tx) => {
    await tx.store.credentials.lockPin(user.id, tx.now());
    await audit(tx, { kind: "pin_locked", outcome: "fail", userId: user.id, meta });
    await audit(tx, { kind: "lockout", outcome: "fail", userId: user.id, meta, detail: { what: "pin" } });
  });
  return "locked";
}

/**
 * Username + PIN. Unknown user, wrong PIN and locked PIN all answer INVALID_CREDENTIALS, in
 * the same time: anyone may call it, and a distinct answer would tell which usernames exist.
 */
export async function loginWithPin(
  ctx: AuthContext,
  input: { username: string; pin: string },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  await limitAddress(ctx, "loginPerIp", meta);
  const user = await findUserByTypedUsername(ctx, input.username);
  const result = await checkPin(ctx, user, input.pin, meta, { sameTime: true });
  if (result !== "ok" || !user || user.status === "DISABLED") {
    await audit(ctx, { kind: "login_failed", outcome: "fail", userId: user?.id ?? null, meta, detail: { method: "pin", reason: result } });
    throw new AuthError("INVALID_CREDENTIALS");
  }
  const signedIn = user;
  const session = await transaction(ctx, (tx) => openSession(tx, signedIn, t, meta, "pin"));
  return issueToken(ctx, signedIn, session, t);
}

/** Unlock after idle: the PIN proves the person again on the session they already have. */
export async function reloginWithPin(ctx: AuthContext, principal: Principal, pin: string, meta?: RequestMeta): Promise<User> {
  const p = requireSession(principal);
  await limitAddress(ctx, "codeCheckPerIp", meta);
  const result = await checkPin(ctx, p.user, pin, meta, { sameTime: false });
  if (result === "unset") throw new AuthError("PIN_NOT_SET");
  if (result === "locked") throw new AuthError("PIN_LOCKED");
  if (result === "wrong") throw new AuthError("INVALID_PIN");
  await markAuthenticated(ctx, p.session.id);
  await audit(ctx, { kind: "login", userId: p.user.id, meta, detail: { method: "pin_relogin", sessionId: p.session.id } });
  return p.user;
}

async function pinResetDestination(ctx: AuthContext, user: User): Promise<{ channel: "email" | "sms"; to: string }> {
  const dest = await recoveryDestination(ctx, user);
  if (!dest) throw new AuthError("INVALID_INPUT", {}, "This account has no proven email or phone to send a code to.");
  return dest;
}

/** A code to reset a forgotten or locked PIN, sent to the account's email (else phone). */
export async function requestPinReset(ctx: AuthContext, principal: Principal, meta?: RequestMeta, locale?: Locale) {
  const p = requireSession(principal);
  const dest = await pinResetDestination(ctx, p.user);
  await limitAddress(ctx, "codeSendPerIp", meta);
  const { challenge, resendInSec } = await sendCode(ctx, {
    purpose: "pin_reset",
    channel: dest.channel,
    destination: dest.to,
    userId: p.user.id,
    meta,
    locale,
  });
  return { channel: dest.channel, expiresAt: challenge.expiresAt, resendInSec };
}

/** Sets a new PIN with a reset code, which also lifts a PIN lock; a wrong code costs no hash. */
export async function resetPinWithCode(
  ctx: AuthContext,
  principal: Principal,
  input: { code: string; pin: string },
  meta?: RequestMeta,
): Promise<void> {
  const p = requireSession(principal);
  assertPinPolicy(input.pin);
  const dest = await pinResetDestination(ctx, p.user);
  await consumeCodeAfter(
    ctx,
    { purpose: "pin_reset", destination: dest.to, userId: p.user.id, meta },
    input.code,
    () => ctx.hasher.hash(input.pin, ctx.options.argon2),
    async (tx, _c, pinHash) => {
      await tx.store.credentials.resetPin(p.user.id, pinHash, tx.now());
      await audit(tx, { kind: "pin_changed", userId: p.user.id, meta, detail: { via: "reset_code" } });
    },
  );
}
