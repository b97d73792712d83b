import type { User } from "@authsvc/store";
import type { AuthContext, RequestMeta } from "../context";
import { audit } from "../audit/audit";
import { consumeCode, issueCode } from "../codes/codes";
import { writeCode } from "../codes/send-code";
import type { PendingSend } from "../delivery/deliver";
import type { Locale } from "../delivery/templates";
import { AuthError } from "../errors";
import { limitAddress } from "../limits/address";
import { batch, transaction } from "../transaction";
import { normalizePhone } from "../users/normalize";
import { consumeLimit, hitLimit, HOUR_WINDOW_SEC } from "../limits/rate-limit";
import { requesterOf } from "../limits/requester";
import type { Limit } from "../options";
import { liftLockouts } from "../users/lockouts";
import { proveClaim } from "../users/claims";
import { findUserById, findUserByPhone, insertUser } from "../users/users";
import { issueToken, openSession, withClaimMoved, type SignedIn, type TokenRequest } from "./sign-in";

export interface PhoneCodeSent {
  /** The account the code is for; null when the number is unknown and nothing was sent. */
  user: User | null;
  phone: string;
  expiresAt: number;
  /** Seconds before a new code may be asked for. */
  resendInSec: number;
}

/** The login code's store work, in the request's batch; `send` delivers it after. */
async function writeLoginCode(b: AuthContext, user: User, phone: string, meta?: RequestMeta, locale?: Locale): Promise<{ sent: PhoneCodeSent; send: PendingSend }> {
  const { issued, send } = await writeCode(b, { purpose: "login", channel: "sms", destination: phone, userId: user.id, meta, locale });
  return { sent: { user, phone, expiresAt: issued.challenge.expiresAt, resendInSec: issued.resendInSec }, send };
}

/** Runs a code request's store work in one batch, then its send. */
async function requestThenSend(ctx: AuthContext, work: (b: AuthContext) => Promise<{ sent: PhoneCodeSent; send: PendingSend }>): Promise<PhoneCodeSent> {
  const { sent, send } = await batch(ctx, work);
  await send(ctx);
  return sent;
}

/**
 * The hourly budget of SMS to numbers that have no account yet: the requester's share first,
 * so one client cannot spend everybody's, then the global one, whose refusals are audited
 * once per hour.
 */
async function spendNewNumberBudget(ctx: AuthContext, meta?: RequestMeta): Promise<void> {
  const share: Limit = { max: ctx.options.smsNewNumbersPerRequesterPerHour, windowSec: HOUR_WINDOW_SEC };
  await consumeLimit(ctx, `sms-new-numbers:${requesterOf(ctx, meta).key}`, share);
  const state = await hitLimit(ctx, "sms-new-numbers:", { max: ctx.options.smsNewNumbersPerHour, windowSec: HOUR_WINDOW_SEC });
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
  return requestThenSend(ctx, async (b) => {
    await limitAddress(b, "codeSendPerIp", meta);
    let user = await findUserByPhone(b, phone);
    if (!user && input.createIfMissing) {
      await spendNewNumberBudget(b, meta);
      user = await createPhoneUser(b, phone, input.role ?? "user", meta);
    }
    if (!input.createIfMissing) {
      // Silent: the same work, answer and timing for every number; the message leaves after the answer.
      // An unproven claim still gets its code: proving it decides whose account it is (proveClaim).
      const known = user && user.status !== "DISABLED" ? user : null;
      const { issued, send } = known
        ? await writeCode(b, { purpose: "login", channel: "sms", destination: phone, userId: known.id, meta, locale, background: true })
        : { issued: await issueCode(b, { purpose: "login", channel: "sms", destination: phone, meta }), send: nothingToSend };
      return { sent: { user: known, phone, expiresAt: issued.challenge.expiresAt, resendInSec: issued.resendInSec }, send };
    }
    if (!user || user.status === "DISABLED") throw new AuthError("USER_NOT_FOUND");
    return writeLoginCode(b, user, phone, meta, locale);
  });
}

const nothingToSend: PendingSend = async () => {};

/**
 * The account of a number that has none yet. Two first requests for one number may race
 * (on PostgreSQL, from two instances): the loser's insert meets the unique index, and it
 * takes the winner's account instead of failing.
 */
async function createPhoneUser(ctx: AuthContext, phone: string, role: "customer" | "user", meta?: RequestMeta): Promise<User> {
  try {
    return await transaction(ctx, async (tx) => {
      // The number was looked up by the caller, in its batch.
      const created = await insertUser(tx, { phone, role });
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
  return requestThenSend(ctx, async (b) => {
    // Counted first: an id and number that do not belong together cost the prober as much as a send.
    await limitAddress(b, "codeSendPerIp", meta);
    const user = await assertPhoneBelongsTo(b, input.userId, input.phone);
    return writeLoginCode(b, user, user.phone!, meta, locale);
  });
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
