/**
 * The second step of a sign-in. An account with a confirmed second factor never gets a
 * session for a password, PIN or code alone: `owedSecondStep` (called by `openSession`, in
 * the first step's transaction) writes a ticket instead, and the door answers
 * SECOND_FACTOR_REQUIRED with it. `completeSecondStep` takes the ticket back with an
 * authenticator code or a recovery code (passkeys: factors/passkeys.ts) and opens the session.
 *
 * A ticket is a challenge (purpose `second_factor`): single-use (consumed by the step that
 * opens the session), short-lived, with its own count of wrong tries. It is bound to the
 * client that earned it: to the delivery it asked for (a token ticket never yields a web
 * cookie, nor the reverse) and, when the first step came from a known device of the account,
 * to that device. Wrong tries also count per account and requester, so a stranger who has the
 * password spends only their own tries, never the owner's.
 */
import { randomUUID } from "node:crypto";
import type { Challenge, SecondFactor, User } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { hmac, randomToken, safeEqual } from "../crypto/secrets";
import { AuthError } from "../errors";
import { hitLimit, peekLimit } from "../limits/rate-limit";
import { requesterOf } from "../limits/requester";
import { knownDevice } from "../sessions/device";
import { batch, transaction } from "../transaction";
import { matchingStep, openSecret } from "./totp";
import { normalizeRecoveryCode, recoveryCodeHash } from "./recovery-codes";
import { notifyOwner } from "./notices";
import { acceptPasskey, type PasskeyAssertion } from "./passkeys";
import { writeStepChallenge } from "./step-challenge";

/** What a ticket remembers of the first step. */
interface TicketPayload {
  /** The first factor's method ("password", "pin", "phone_code", "email_code"). */
  method: string;
  /** The delivery the first step asked for, as the door passed it. */
  delivery: { type: string; role?: string; profile?: string };
  /** The known device the first step came from, if any. */
  device: string | null;
}

/** The first step was right; the session waits for the second. */
export interface SecondStepOwed {
  secondStepOwed: true;
  ticket: string;
  expiresAt: number;
  factors: SecondFactor["kind"][];
}

export const isSecondStepOwed = (v: object): v is SecondStepOwed => "secondStepOwed" in v;

const ticketHash = (ctx: AuthContext, id: string, secret: string) => hmac(ctx.keys.factor, `ticket:${id}:${secret}`);
const failureKey = (userId: number, requester: string) => `2fa-fail:${userId}:${requester}`;

/** Writes the ticket, inside the first step's transaction. */
export async function owedSecondStep(
  ctx: AuthContext,
  user: User,
  delivery: TicketPayload["delivery"],
  meta: RequestMeta | undefined,
  method: string,
  factors: SecondFactor["kind"][],
): Promise<SecondStepOwed> {
  const id = randomUUID();
  const secret = randomToken(24);
  const expiresAt = ctx.now() + ctx.options.secondFactor.ticketTtlSec * 1000;
  const payload: TicketPayload = { method, delivery, device: knownDevice(ctx, meta, user.id) };
  await writeStepChallenge(
    ctx,
    {
      id,
      userId: user.id,
      purpose: "second_factor",
      destination: `user:${user.id}`,
      codeHash: ticketHash(ctx, id, secret),
      expiresAt,
      attemptsLeft: ctx.options.secondFactor.triesPerTicket,
      payload: payload as unknown as Record<string, unknown>,
    },
    meta,
  );
  await audit(ctx, { kind: "second_factor_required", userId: user.id, meta, detail: { method, factors: factors.join(",") } });
  return { secondStepOwed: true, ticket: `${id}.${secret}`, expiresAt, factors };
}

/** The error a door answers for an owed second step; its detail carries the ticket. */
export const secondFactorRequired = (owed: SecondStepOwed) =>
  new AuthError("SECOND_FACTOR_REQUIRED", { ticket: owed.ticket, ticketExpiresAt: owed.expiresAt, factors: owed.factors });

const sameDelivery = (a: TicketPayload["delivery"], b: TicketPayload["delivery"]) =>
  a.type === b.type && (a.role ?? null) === (b.role ?? null) && (a.profile ?? null) === (b.profile ?? null);

/**
 * The live ticket named by `ticket`, for this client, or SECOND_STEP_EXPIRED (unknown, used,
 * expired, out of tries, another client's: one answer, nothing to tell them apart).
 */
export async function liveTicket(
  ctx: AuthContext,
  ticket: string,
  delivery: TicketPayload["delivery"],
  meta: RequestMeta | undefined,
): Promise<{ challenge: Challenge; payload: TicketPayload; userId: number }> {
  const dot = ticket.indexOf(".");
  const id = dot > 0 ? ticket.slice(0, dot) : "";
  const secret = dot > 0 ? ticket.slice(dot + 1) : "";
  const c = id.length <= 64 && secret ? await ctx.store.challenges.byId(id) : undefined;
  const expired = new AuthError("SECOND_STEP_EXPIRED");
  if (!c || c.purpose !== "second_factor" || c.userId === null || !safeEqual(ticketHash(ctx, c.id, secret), c.codeHash)) throw expired;
  if (c.consumedAt !== null || c.supersededAt !== null || c.expiresAt <= ctx.now() || c.attemptsLeft <= 0) throw expired;
  const payload = c.payload as unknown as TicketPayload;
  if (!sameDelivery(payload.delivery, delivery)) throw expired;
  if (payload.device !== null && knownDevice(ctx, meta, c.userId) !== payload.device) throw expired;
  return { challenge: c, payload, userId: c.userId };
}

export type SecondStepProof = { totp: string } | { recoveryCode: string } | { passkey: PasskeyAssertion };

/** Takes `code` for this authenticator app if it is right and its step is not spent yet: the step it spent, or null. */
export async function spendTotpCode(ctx: AuthContext, f: SecondFactor, code: string): Promise<number | null> {
  const now = ctx.now();
  const secret = f.kind === "totp" && f.secret ? openSecret(ctx.keys.factorSeal, f.userId, f.secret) : null;
  const step = secret === null ? null : matchingStep(secret, code.trim(), now);
  return step !== null && (await ctx.store.factors.useStep(f.id, step, now)) ? step : null;
}

/** Checks an authenticator code against the account's confirmed apps, spending its step: a code is accepted once. */
export async function acceptTotp(ctx: AuthContext, userId: number, code: string): Promise<boolean> {
  for (const f of await ctx.store.factors.listOfUser(userId)) {
    if (f.kind === "totp" && f.confirmedAt !== null && (await spendTotpCode(ctx, f, code)) !== null) return true;
  }
  return false;
}

/** Spends one of the account's recovery codes; true when `input` was an unused one. */
export async function acceptRecoveryCode(ctx: AuthContext, userId: number, input: string): Promise<boolean> {
  const normalized = normalizeRecoveryCode(input);
  if (normalized === null) return false;
  return ctx.store.factors.useRecoveryCode(userId, recoveryCodeHash(ctx.keys.factor, normalized), ctx.now());
}

/**
 * The second step: the ticket and a proof. A wrong proof spends one of the ticket's tries and
 * one of the requester's for this account; the right one consumes the ticket and hands the
 * caller the user to open the session for (in `open`, inside the transaction that consumes).
 */
export async function completeSecondStep<T>(
  ctx: AuthContext,
  input: { ticket: string } & SecondStepProof,
  delivery: TicketPayload["delivery"],
  meta: RequestMeta | undefined,
  open: (tx: AuthContext, user: User, method: string) => Promise<T>,
): Promise<{ user: User; opened: T }> {
  // An app's or a recovery code's check is store work and a hash, so the whole step shares
  // one commit on SQLite (a wrong code's spent try stays: a batch keeps what its body wrote).
  // A passkey's check waits on the crypto pool, and acceptPasskey batches its own store work.
  const step = (c: AuthContext) => checkSecondStep(c, input, delivery, meta, open);
  const { user, opened, how } = "passkey" in input ? await step(ctx) : await batch(ctx, step);
  if (how === "recovery_code") await notifyOwner(ctx, user, "recovery_code_used");
  return { user, opened };
}

async function checkSecondStep<T>(
  ctx: AuthContext,
  input: { ticket: string } & SecondStepProof,
  delivery: TicketPayload["delivery"],
  meta: RequestMeta | undefined,
  open: (tx: AuthContext, user: User, method: string) => Promise<T>,
): Promise<{ user: User; opened: T; how: string }> {
  const { challenge, payload, userId } = await liveTicket(ctx, input.ticket, delivery, meta);
  const requester = requesterOf(ctx, meta, userId);
  const limit = ctx.options.limits.secondFactorFailures;
  const failures = await peekLimit(ctx, failureKey(userId, requester.key), limit);
  if (failures.count >= limit.max) throw new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec });
  // The try is spent before the proof is checked, so concurrent guesses cannot outrun the count.
  const left = await ctx.store.challenges.spendAttempt(challenge.id);
  if (left === undefined) throw new AuthError("SECOND_STEP_EXPIRED");
  const how = "totp" in input ? "totp" : "passkey" in input ? "passkey" : "recovery_code";
  const ok =
    "totp" in input
      ? await acceptTotp(ctx, userId, input.totp)
      : "passkey" in input
        ? await acceptPasskey(ctx, input.passkey, userId, meta)
        : await acceptRecoveryCode(ctx, userId, input.recoveryCode);
  if (!ok) {
    const after = await hitLimit(ctx, failureKey(userId, requester.key), limit);
    await audit(ctx, { kind: "second_factor_failed", outcome: "fail", userId, meta, detail: { how, attemptsLeft: left } });
    // The try that fills the requester's budget locks it out of this account's second step.
    if (after.count === limit.max) {
      await audit(ctx, { kind: "lockout", outcome: "fail", userId, meta, detail: { what: "second_factor", seconds: after.retryAfterSec } });
    }
    throw new AuthError(how === "passkey" ? "PASSKEY_REFUSED" : "INVALID_CODE", { attemptsLeft: left });
  }
  const user = await ctx.store.users.byId(userId);
  if (!user || user.status === "DISABLED") throw new AuthError("ACCOUNT_DISABLED");
  const opened = await transaction(ctx, async (tx) => {
    if (!(await tx.store.challenges.consume(challenge.id, tx.now()))) throw new AuthError("SECOND_STEP_EXPIRED");
    if (how === "recovery_code") await audit(tx, { kind: "recovery_code_used", userId, meta });
    return open(tx, user, `${payload.method}+${how}`);
  });
  return { user, opened, how };
}
