import type { User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCodeAfter, issueCode } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import { enqueue } from "../delivery/deliver";
import { afterAnswer } from "../later";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { proveCurrentPassword } from "../passwords/check";
import { assertPasswordPolicy, type PasswordBounds } from "../passwords/policy";
import { authenticate, requireSession, type Principal } from "../sessions/authenticate";
import { issueOpaqueToken, useOpaqueToken } from "../sessions/opaque-token";
import { revokeUserSessions } from "../sessions/sessions";
import { transaction } from "../transaction";
import { markProven, reachable, recoveryDestination } from "../users/claims";
import { liftLockouts } from "../users/lockouts";
import { settleRegistrantChoices } from "../users/registrant";
import { findUserById, findUserByIdentifier, findUserByTypedUsername } from "../users/users";
import { checkPin, isRecentlyAuthenticated } from "./pin";

export interface ResetRequested {
  /** Seconds before another reset code may be asked for. */
  resendInSec: number;
}

async function sendResetCode(
  ctx: AuthContext,
  user: User,
  dest: { channel: "email" | "sms"; to: string },
  opts: { link: boolean; locale?: Locale; meta?: RequestMeta },
): Promise<ResetRequested> {
  let link: string | undefined;
  if (opts.link && dest.channel === "email") {
    const { token } = await issueOpaqueToken(ctx, { kind: "password_reset", userId: user.id, sessionId: null, ttlSec: ctx.options.resetLinkTtlSec });
    link = `${ctx.options.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  }
  const { resendInSec } = await sendCode(ctx, {
    purpose: "password_reset",
    channel: dest.channel,
    destination: dest.to,
    userId: user.id,
    meta: opts.meta,
    locale: opts.locale,
    link,
  });
  await audit(ctx, { kind: "password_reset_requested", userId: user.id, meta: opts.meta, detail: { channel: dest.channel } });
  return { resendInSec };
}

/** Where a reset asked for by `identifier` goes: the identifier itself when it is an email or phone, else the account's recovery contact. */
async function resetDestination(
  ctx: AuthContext,
  user: User,
  kind: "email" | "phone" | "username",
): Promise<{ channel: "email" | "sms"; to: string } | null> {
  if (kind === "username") return recoveryDestination(ctx, user);
  return (await reachable(ctx, user, kind)) ? { channel: kind === "email" ? "email" : "sms", to: (kind === "email" ? user.email : user.phone)! } : null;
}

/**
 * Forgot password by email, phone or username: a code (and, by email, a link), sent after
 * the answer. Unknown accounts, and claims nobody proved on an account someone else holds,
 * get a decoy: the same answer, cooldown and caps, and nothing is sent.
 *
 * Before the answer both do the same store work: the limit, the lookup and the code (a
 * decoy has no user, a real one has; the same writes). What only a known account needs (the
 * link's token, the message in the outbox, the audit of the request) is written after the
 * answer (later.ts), so the answer's timing does not tell which it was (issue 19, item 8).
 */
export async function requestPasswordReset(
  ctx: AuthContext,
  input: { identifier: string; link?: boolean },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<ResetRequested> {
  await limitAddress(ctx, "codeSendPerIp", meta);
  const { kind, value, user } = await findUserByIdentifier(ctx, input.identifier);
  const dest = user && user.status !== "DISABLED" ? await resetDestination(ctx, user, kind) : null;
  if (!user || !dest) {
    const { resendInSec } = await issueCode(ctx, { purpose: "password_reset", channel: kind === "email" ? "email" : "sms", destination: value, meta });
    return { resendInSec };
  }
  const issued = await issueCode(ctx, { purpose: "password_reset", channel: dest.channel, destination: dest.to, userId: user.id, meta });
  afterAnswer(ctx, "password reset message", async () => {
    let link: string | undefined;
    if ((input.link ?? true) && dest.channel === "email") {
      const { token } = await issueOpaqueToken(ctx, { kind: "password_reset", userId: user.id, sessionId: null, ttlSec: ctx.options.resetLinkTtlSec });
      link = `${ctx.options.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    }
    await enqueue(ctx, {
      channel: dest.channel,
      to: dest.to,
      purpose: "password_reset",
      code: issued.code,
      link,
      minutes: ctx.options.code.ttlSec / 60,
      locale,
      challengeId: issued.challenge.id,
    });
    await audit(ctx, { kind: "password_reset_requested", userId: user.id, meta, detail: { channel: dest.channel } });
  });
  return { resendInSec: issued.resendInSec };
}

/** Forgot password by customer number, account number and PIN: the three must name one user, else USER_NOT_FOUND. */
export async function requestPasswordResetByAccount(
  ctx: AuthContext,
  input: { customerNumber: number; accountNumber: string; pin: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<ResetRequested> {
  await limitAddress(ctx, "codeSendPerIp", meta);
  const user = await ctx.store.users.byAccount(input.customerNumber, input.accountNumber);
  const ok = (await checkPin(ctx, user, input.pin, meta, { sameTime: true })) === "ok";
  const dest = user && (await recoveryDestination(ctx, user));
  if (!ok || !user || !dest || user.status === "DISABLED") {
    await audit(ctx, { kind: "password_reset_requested", outcome: "fail", userId: user?.id ?? null, meta, detail: { via: "account" } });
    throw new AuthError("USER_NOT_FOUND");
  }
  return sendResetCode(ctx, user, dest, { link: false, locale, meta });
}

/** A courtesy notice, sent after the answer: the password is changed whether or not it arrives. */
async function notifyPasswordChanged(ctx: AuthContext, user: User, signedOut: "all" | "others", locale?: Locale): Promise<void> {
  const dest = await recoveryDestination(ctx, user);
  if (dest) await enqueue(ctx, { channel: dest.channel, to: dest.to, purpose: "password_changed", minutes: 0, locale, signedOut });
}

/** Stores the new hash and retires every outstanding reset code and link of the user. */
async function storePassword(ctx: AuthContext, userId: number, passwordHash: string, meta: RequestMeta | undefined, how: string): Promise<void> {
  const now = ctx.now();
  await ctx.store.credentials.setPassword(userId, passwordHash, now);
  await ctx.store.tokens.useAllOfUser(userId, "password_reset", now);
  await ctx.store.challenges.supersedeLiveOfUser(userId, "password_reset", now);
  await audit(ctx, { kind: "password_changed", userId, meta, detail: { how } });
}

/**
 * A reset code and a new password: every session of the user is signed out. The code is
 * checked before the new password is hashed, so a wrong code, an unknown account or a hit
 * limit costs no hash.
 */
export async function resetPasswordWithCode(
  ctx: AuthContext,
  input: { identifier?: string; username?: string; code: string; newPassword: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<User> {
  assertPasswordPolicy(input.newPassword, ctx.options.password);
  await limitAddress(ctx, "codeCheckPerIp", meta);
  let user: User | undefined;
  let dest: string | undefined;
  try {
    if (input.username) {
      user = await findUserByTypedUsername(ctx, input.username);
      dest = user ? (await recoveryDestination(ctx, user))?.to : undefined;
    } else {
      const found = await findUserByIdentifier(ctx, input.identifier ?? "");
      user = found.user;
      dest = user ? (await resetDestination(ctx, user, found.kind))?.to : found.value;
      dest ??= found.value;
    }
  } catch {
    user = undefined;
  }
  // An unknown account reads exactly like a wrong code (by email or phone, its decoy counts the tries).
  if (!dest) throw new AuthError("INVALID_CODE");
  const sel = { purpose: "password_reset" as const, destination: dest, userId: user?.id, meta };
  const found = await consumeCodeAfter(
    ctx,
    sel,
    input.code,
    () => ctx.hasher.hash(input.newPassword, ctx.options.argon2),
    async (tx, c, passwordHash) => {
      const found = c.userId === null ? undefined : await findUserById(tx, c.userId);
      if (!found || found.status === "DISABLED") throw new AuthError("INVALID_CODE");
      // The code proves the email: what a stranger chose at registration goes with their password.
      const owner = c.channel === "email" && found.email === c.destination ? await settleRegistrantChoices(tx, found, c, meta) : found;
      await storePassword(tx, owner.id, passwordHash, meta, "reset_code");
      await revokeUserSessions(tx, owner.id, "password_reset", { meta });
      // The code came back from this contact: it is proven, and whatever locked the account is lifted.
      const proven =
        c.channel === "email" && owner.email === c.destination
          ? await markProven(tx, owner, "email", meta)
          : c.channel === "sms" && owner.phone === c.destination
            ? await markProven(tx, owner, "phone", meta)
            : owner;
      await liftLockouts(tx, proven, meta);
      return proven;
    },
  );
  await notifyPasswordChanged(ctx, found, "all", locale);
  return found;
}

/**
 * A new password for the signed-in person, or for the holder of a reset link. Signed in,
 * it needs a sign-in within the last minutes (a login, a code or a PIN) or the current
 * password: a token alone, copied or left open, must not take the account over. A link is
 * good once; after it every session is signed out, otherwise every other session.
 */
export async function changePassword(
  ctx: AuthContext,
  principal: Principal,
  input: { newPassword: string; currentPassword?: string; passwordBounds?: PasswordBounds },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<void> {
  assertPasswordPolicy(input.newPassword, ctx.options.password, input.passwordBounds);
  if (principal.scope === "full") {
    requireSession(principal);
    if (input.currentPassword !== undefined) await proveCurrentPassword(ctx, principal.user, input.currentPassword, meta);
    else if (!isRecentlyAuthenticated(ctx, principal)) throw new AuthError("REAUTH_REQUIRED");
  }
  const passwordHash = await ctx.hasher.hash(input.newPassword, ctx.options.argon2);
  await transaction(ctx, async (tx) => {
    if (principal.scope === "password_reset" && (!principal.tokenId || !(await useOpaqueToken(tx, principal.tokenId)))) {
      throw new AuthError("UNAUTHORIZED");
    }
    await storePassword(tx, principal.user.id, passwordHash, meta, principal.scope === "password_reset" ? "reset_link" : "change");
    await revokeUserSessions(tx, principal.user.id, principal.scope === "password_reset" ? "password_reset" : "password_changed", {
      exceptId: principal.session?.id,
      meta,
    });
    // The link came back from the account's email, as a code to a proven channel does: whatever locked the account is lifted.
    if (principal.scope === "password_reset") await liftLockouts(tx, principal.user, meta);
  });
  // A link signs every session out; a change while signed in keeps the session that made it.
  await notifyPasswordChanged(ctx, principal.user, principal.scope === "password_reset" || !principal.session ? "all" : "others", locale);
}

/**
 * Who an emailed reset link's token speaks for, while it can still set a password (unused,
 * unexpired, and a reset link: a session's token is not one). UNAUTHORIZED otherwise, one
 * answer for an unknown, used or expired token.
 */
export async function resetLinkHolder(ctx: AuthContext, token: string): Promise<Principal> {
  const principal = await authenticate(ctx, token);
  if (principal.scope !== "password_reset") throw new AuthError("UNAUTHORIZED");
  return principal;
}

/** Whether a reset link can still be used (`resetLinkHolder`), so the page can say so before anyone types a password. */
export async function resetLinkUsable(ctx: AuthContext, token: string): Promise<boolean> {
  try {
    await resetLinkHolder(ctx, token);
    return true;
  } catch (err) {
    if (err instanceof AuthError) return false;
    throw err;
  }
}
