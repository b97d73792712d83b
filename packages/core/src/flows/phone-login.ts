import type { User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, issueCode } from "../codes/codes";
import { sendCode } from "../codes/send-code";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { transaction } from "../transaction";
import { normalizePhone } from "../users/normalize";
import { consumeLimit, hitLimit } from "../limits/rate-limit";
import { requesterOf } from "../limits/requester";
import type { Limit } from "../options";
import { liftLockouts } from "../users/lockouts";
import { proveClaim } from "../users/claims";
import { createUser, findUserById, findUserByPhone } from "../users/users";
import { issueToken, openSession, withClaimMoved, type SignedIn, type TokenRequest } from "./sign-in";

export interface PhoneCodeSent {
  /** The account the code is for; null when the number is unknown and nothing was sent. */
  user: User | null;
  phone: string;
  expiresAt: number;
  /** Seconds before a new code may be asked for. */
  resendInSec: number;
}

async function sendLoginCode(ctx: AuthContext, user: User, phone: string, meta?: RequestMeta, locale?: Locale): Promise<PhoneCodeSent> {
  const { challenge, resendInSec } = await sendCode(ctx, { purpose: "login", channel: "sms", destination: phone, userId: user.id, meta, locale });
  return { user, phone, expiresAt: challenge.expiresAt, resendInSec };
}

/**
 * The hourly budget of SMS to numbers that have no account yet: the requester's share first,
 * so one client cannot spend everybody's, then the global one, whose refusals are audited
 * once per hour.
 */
async function spendNewNumberBudget(ctx: AuthContext, meta?: RequestMeta): Promise<void> {
  const share: Limit = { max: ctx.options.smsNewNumbersPerRequesterPerHour, windowSec: 3600 };
  await consumeLimit(ctx, `sms-new-numbers:${requesterOf(ctx, meta).key}`, share);
  const state = await hitLimit(ctx, "sms-new-numbers:", { max: ctx.options.smsNewNumbersPerHour, windowSec: 3600 });
  if (state.count <= ctx.options.smsNewNumbersPerHour) return;
  if (state.count === ctx.options.smsNewNumbersPerHour + 1) {
    await audit(ctx, { kind: "sms_budget_exhausted", outcome: "fail", meta, detail: { perHour: ctx.options.smsNewNumbersPerHour } });
  }
  throw new AuthError("RATE_LIMITED", { retryAfterSec: state.retryAfterSec });
}

/**
 * Sends a login code by SMS. With `createIfMissing` an unknown number becomes an account
 * (family 000 and the web app), within the budget of SMS to new numbers. Without it
 * (family 001) an unknown number gets the same answer, cooldown and caps as a known one,
 * and nothing is sent.
 */
export async function requestPhoneCode(
  ctx: AuthContext,
  input: { phone: string; createIfMissing: boolean; role?: "customer" | "user" },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PhoneCodeSent> {
  const phone = normalizePhone(input.phone, ctx.options);
  await limitAddress(ctx, "codeSendPerIp", meta);
  let user = await findUserByPhone(ctx, phone);
  if (!user && input.createIfMissing) {
    await spendNewNumberBudget(ctx, meta);
    user = await createPhoneUser(ctx, phone, input.role ?? "user", meta);
  }
  if (!input.createIfMissing) {
    // Silent: the same work, answer and timing for every number; the message leaves after the answer.
    // An unproven claim still gets its code: proving it decides whose account it is (proveClaim).
    const known = user && user.status !== "DISABLED" ? user : null;
    const { challenge, resendInSec } = known
      ? await sendCode(ctx, { purpose: "login", channel: "sms", destination: phone, userId: known.id, meta, locale, background: true })
      : await issueCode(ctx, { purpose: "login", channel: "sms", destination: phone, meta });
    return { user: known, phone, expiresAt: challenge.expiresAt, resendInSec };
  }
  if (!user || user.status === "DISABLED") throw new AuthError("USER_NOT_FOUND");
  return sendLoginCode(ctx, user, phone, meta, locale);
}

/**
 * The account of a number that has none yet. Two first requests for one number may race
 * (on PostgreSQL, from two instances): the loser's insert meets the unique index, and it
 * takes the winner's account instead of failing.
 */
async function createPhoneUser(ctx: AuthContext, phone: string, role: "customer" | "user", meta?: RequestMeta): Promise<User> {
  try {
    return await transaction(ctx, async (tx) => {
      const created = await createUser(tx, { phone, role });
      await audit(tx, { kind: "signup", userId: created.id, meta, detail: { method: "phone_code" } });
      return created;
    });
  } catch (err) {
    const winner = err instanceof AuthError && err.code === "PHONE_TAKEN" ? await findUserByPhone(ctx, phone) : undefined;
    if (winner) return winner;
    throw err;
  }
}

/** The id and the number must belong together (family 000 names both); USER_NOT_FOUND if not. */
export async function assertPhoneBelongsTo(ctx: AuthContext, userId: number, phoneInput: string): Promise<User> {
  let phone: string;
  try {
    phone = normalizePhone(phoneInput, ctx.options);
  } catch {
    throw new AuthError("USER_NOT_FOUND");
  }
  const user = await findUserById(ctx, userId);
  if (!user || user.phone !== phone || user.status === "DISABLED") throw new AuthError("USER_NOT_FOUND");
  return user;
}

/** Family 000's resend: the id and the number must belong together. */
export async function resendPhoneCode(
  ctx: AuthContext,
  input: { userId: number; phone: string },
  meta?: RequestMeta,
  locale?: Locale,
): Promise<PhoneCodeSent> {
  // Counted first: an id and number that do not belong together cost the prober as much as a send.
  await limitAddress(ctx, "codeSendPerIp", meta);
  const user = await assertPhoneBelongsTo(ctx, input.userId, input.phone);
  return sendLoginCode(ctx, user, user.phone!, meta, locale);
}

/** A right code signs in, proves the phone, and opens a session, in one transaction. */
export async function loginWithPhoneCode(
  ctx: AuthContext,
  input: { phone: string; code: string; userId?: number },
  t: TokenRequest,
  meta?: RequestMeta,
): Promise<SignedIn> {
  const phone = normalizePhone(input.phone, ctx.options);
  await limitAddress(ctx, "loginPerIp", meta);
  const { user, session, claimMoved } = await consumeCode(ctx, { purpose: "login", destination: phone, userId: input.userId, meta }, input.code, async (tx, c) => {
    const found = c.userId === null ? undefined : await findUserById(tx, c.userId);
    if (!found || found.status === "DISABLED" || found.phone !== phone) throw new AuthError("INVALID_CODE");
    const { user, claimMoved } = await proveClaim(tx, found, "phone", meta);
    await liftLockouts(tx, user, meta);
    return { user, claimMoved, session: await openSession(tx, user, t, meta, "phone_code") };
  });
  return withClaimMoved(await issueToken(ctx, user, session, t), claimMoved);
}
