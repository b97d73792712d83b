import { createHash, randomUUID } from "node:crypto";
import type { Challenge } from "@authsvc/store";
import { audit, maskDestination } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { hmac, randomDigits, safeEqual } from "../crypto/secrets";
import { AuthError } from "../errors";
import { addressGroup } from "../limits/address";
import { consumeLimit, hitLimit, peekLimit, resetLimit } from "../limits/rate-limit";
import type { Limit } from "../options";
import { transaction } from "../transaction";
import { CODE_LENGTH, isCodeShape } from "../vocabulary";

export type CodePurpose = Challenge["purpose"];
export type CodeChannel = Challenge["channel"];

export interface IssueCodeInput {
  purpose: CodePurpose;
  channel: CodeChannel;
  destination: string;
  userId?: number | null;
  payload?: Record<string, unknown> | null;
  meta?: RequestMeta;
  /** False for a fresh sign-up, which replaces a pending one rather than resending it. */
  cooldown?: boolean;
  /**
   * False: the live codes for (purpose, destination) stay live, and this one starts its own
   * count of sends (pending registrations of one email are independent). Default true.
   */
  supersede?: boolean;
}

export interface IssuedCode {
  challenge: Challenge;
  /** The code in clear, only to be put in the message; never stored. */
  code: string;
  /** Seconds before the next send is allowed: the cooldown this send started. */
  resendInSec: number;
}

/**
 * Wrong codes are counted per purpose, destination and client: whoever types wrong codes
 * locks out only themselves, never the destination's owner (the tries a single code allows
 * are still shared by all).
 */
const failureKey = (purpose: CodePurpose, destination: string, meta: RequestMeta | undefined) =>
  `code-fail:${purpose}:${destination}:${meta?.ip ? addressGroup(meta.ip) : "-"}`;
const failureLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.maxAttempts, windowSec: ctx.options.code.lockSec });
// Caps are per purpose, so ten forgot-password requests by a stranger cannot stop a login code.
const hourKey = (purpose: CodePurpose, destination: string) => `code-send-h:${purpose}:${destination}`;
const dayKey = (purpose: CodePurpose, destination: string) => `code-send-d:${purpose}:${destination}`;
const hourLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.perHour, windowSec: 3600 });
const dayLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.perDay, windowSec: 86400 });

/** Binds the code to its challenge, purpose, destination and user: a code is good for one thing only. */
const codeHash = (ctx: AuthContext, c: Pick<Challenge, "id" | "purpose" | "destination" | "userId">, code: string) =>
  hmac(ctx.keys.code, `${c.id}|${c.purpose}|${c.destination}|${c.userId ?? ""}|${code}`);

function latestChallenge(ctx: AuthContext, purpose: CodePurpose, destination: string): Promise<Challenge | undefined> {
  return ctx.store.challenges.latest(purpose, destination);
}

/** Seconds to wait after the n-th send of the hour: 60, 120, 240... up to the maximum. */
export function cooldownSec(ctx: AuthContext, sendsThisHour: number): number {
  const { cooldownSec: base, maxCooldownSec } = ctx.options.code;
  return Math.min(base * 2 ** Math.max(0, sendsThisHour - 1), maxCooldownSec);
}

/** Seconds before a new code may be sent to this destination for this purpose (0 = now). */
export async function resendWaitSec(ctx: AuthContext, purpose: CodePurpose, destination: string): Promise<number> {
  const previous = await latestChallenge(ctx, purpose, destination);
  if (!previous || previous.consumedAt !== null) return 0;
  const sends = (await peekLimit(ctx, hourKey(purpose, destination), hourLimit(ctx))).count;
  const readyAt = previous.lastSentAt + cooldownSec(ctx, Math.max(1, sends)) * 1000;
  return Math.max(0, Math.ceil((readyAt - ctx.now()) / 1000));
}

/**
 * Makes a new code for (purpose, destination) and kills the previous one. Refused inside
 * the cooldown (unless `cooldown: false`), over the hourly or daily cap, and while this
 * client is locked out of the destination after too many wrong codes.
 *
 * A code with no user and no payload is a decoy: the flows that must not tell whether an
 * account exists issue one for an unknown destination and send nothing, so cooldowns, caps
 * and wrong tries behave exactly as for a real account.
 */
export function issueCode(ctx: AuthContext, input: IssueCodeInput): Promise<IssuedCode> {
  const { purpose, destination } = input;
  const opts = ctx.options.code;
  return transaction(ctx, async (ctx) => {
    // Takes the destination's hourly bucket (adding nothing) before anything is read: its row
    // stays locked to the end of the transaction, so concurrent sends to one destination run
    // one after the other and each sees the code the one before it made. Without it, the first
    // sends to a destination would find no code to wait for and all go out (on PostgreSQL,
    // where transactions do run at once).
    await hitLimit(ctx, hourKey(purpose, destination), hourLimit(ctx), 0);
    const failures = await peekLimit(ctx, failureKey(purpose, destination, input.meta), failureLimit(ctx));
    if (failures.count >= opts.maxAttempts) throw new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec });
    if (input.cooldown !== false) {
      const wait = await resendWaitSec(ctx, purpose, destination);
      if (wait > 0) throw new AuthError("RESEND_COOLDOWN", { retryAfterSec: wait });
    }
    const sendsThisHour = (await consumeLimit(ctx, hourKey(purpose, destination), hourLimit(ctx))).count;
    await consumeLimit(ctx, dayKey(purpose, destination), dayLimit(ctx));

    const now = ctx.now();
    const supersede = input.supersede !== false;
    const previous = supersede ? await latestChallenge(ctx, purpose, destination) : undefined;
    if (supersede) await ctx.store.challenges.supersedeLive(purpose, destination, now);
    const code = ctx.newCode?.() ?? randomDigits(CODE_LENGTH);
    const id = randomUUID();
    const userId = input.userId ?? null;
    const challenge = await ctx.store.challenges.insert({
      id,
      userId,
      purpose,
      channel: input.channel,
      destination,
      codeHash: codeHash(ctx, { id, purpose, destination, userId }, code),
      expiresAt: now + opts.ttlSec * 1000,
      attemptsLeft: opts.maxAttempts - failures.count,
      sendCount: previous && previous.consumedAt === null ? previous.sendCount + 1 : 1,
      lastSentAt: now,
      payload: input.payload ?? null,
      createdAt: now,
    });
    await audit(ctx, {
      kind: "code_sent",
      userId,
      meta: input.meta,
      // A decoy is never sent: the audit says so, so an admin is not misled.
      detail: { purpose, channel: input.channel, to: maskDestination(destination), ...(userId === null && !input.payload ? { decoy: true } : {}) },
    });
    // Read back like any later ask would, so a decoy and a real send answer the same wait.
    // What resendWaitSec would read back: this code, sent now, after this hour's sends.
    return { challenge, code, resendInSec: cooldownSec(ctx, Math.max(1, sendsThisHour)) };
  });
}

/**
 * Gives back what a send took when the message never left: the cooldown and one send of
 * the hourly and daily caps. The code itself stays as it was, unused.
 */
export async function undoSend(ctx: AuthContext, challenge: Challenge): Promise<void> {
  await ctx.store.challenges.clearLastSent(challenge.id);
  await hitLimit(ctx, hourKey(challenge.purpose, challenge.destination), hourLimit(ctx), -1);
  await hitLimit(ctx, dayKey(challenge.purpose, challenge.destination), dayLimit(ctx), -1);
}

export interface CodeSelector {
  purpose: CodePurpose;
  /** The latest live code for this destination... */
  destination?: string;
  /** ...or exactly this challenge (family 003's verificationId). */
  challengeId?: string;
  /** When given, the code must have been issued to this user. */
  userId?: number;
  meta?: RequestMeta;
}

export function findChallenge(ctx: AuthContext, id: string): Promise<Challenge | undefined> {
  return ctx.store.challenges.byId(id);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: AuthError };

/**
 * Checks `code` against the selected challenge inside the caller's transaction. A wrong
 * code, or no live challenge at all, is recorded the same way (tries left, failures of this
 * client for this destination), so an unknown destination answers like a known one.
 */
async function check(ctx: AuthContext, sel: CodeSelector, code: string): Promise<Outcome<Challenge>> {
  const found = sel.challengeId
    ? await findChallenge(ctx, sel.challengeId)
    : sel.destination
      ? await latestChallenge(ctx, sel.purpose, sel.destination)
      : undefined;
  const c =
    found && found.purpose === sel.purpose && (sel.userId === undefined || found.userId === sel.userId) && found.consumedAt === null && found.supersededAt === null
      ? found
      : undefined;
  // An id that names no live code is whatever the request carried: its hash keys the bucket,
  // so any character (U+0000 too, which PostgreSQL cannot store) and any length fit.
  const destination = c?.destination ?? sel.destination ?? `id:${createHash("sha256").update(sel.challengeId ?? "").digest("base64url")}`;
  const max = ctx.options.code.maxAttempts;
  const lockKey = failureKey(sel.purpose, destination, sel.meta);
  const failures = await peekLimit(ctx, lockKey, failureLimit(ctx));
  if (failures.count >= max) {
    return { ok: false, error: new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec, attemptsLeft: 0 }) };
  }
  // Out of tries but the lock has passed: this code is dead, and a new one may be sent.
  if (c && c.attemptsLeft <= 0) return { ok: false, error: new AuthError("INVALID_CODE", { attemptsLeft: 0 }) };
  if (c && c.expiresAt <= ctx.now()) return { ok: false, error: new AuthError("CODE_EXPIRED") };

  if (c && isCodeShape(code) && safeEqual(codeHash(ctx, c, code), c.codeHash)) return { ok: true, value: c };
  const detail = { purpose: sel.purpose, to: maskDestination(destination) };
  // The store takes the try in one step, so concurrent wrong codes each spend exactly one.
  const left = c ? ((await ctx.store.challenges.spendAttempt(c.id)) ?? 0) : max;
  const after = await hitLimit(ctx, lockKey, failureLimit(ctx));
  await audit(ctx, { kind: "code_failed", outcome: "fail", userId: c?.userId ?? null, meta: sel.meta, detail });
  if (left <= 0 || after.count >= max) {
    await audit(ctx, { kind: "lockout", outcome: "fail", userId: c?.userId ?? null, meta: sel.meta, detail: { ...detail, what: "code" } });
    return { ok: false, error: new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: after.retryAfterSec, attemptsLeft: 0 }) };
  }
  return { ok: false, error: new AuthError("INVALID_CODE", { attemptsLeft: Math.min(left, max - after.count) }) };
}

/** Marks a checked code used (only if still live) and runs `then` with it; inside the caller's transaction. */
async function use<T>(ctx: AuthContext, c: Challenge, sel: CodeSelector, then: (tx: AuthContext, c: Challenge) => Promise<T>): Promise<T> {
  if (!(await ctx.store.challenges.consume(c.id, ctx.now()))) throw new AuthError("INVALID_CODE");
  await resetLimit(ctx, failureKey(c.purpose, c.destination, sel.meta));
  await audit(ctx, { kind: "code_verified", userId: c.userId, meta: sel.meta, detail: { purpose: c.purpose, to: maskDestination(c.destination) } });
  return then(ctx, { ...c, consumedAt: ctx.now() });
}

/**
 * Checks `code` and, when right, consumes it and runs `then` in the same transaction, so a
 * code is used exactly once even under concurrency and the work it unlocks happens with it
 * or not at all. A wrong code is recorded and that record is committed before the error.
 */
export async function consumeCode<T>(
  ctx: AuthContext,
  sel: CodeSelector,
  code: string,
  then: (tx: AuthContext, c: Challenge) => Promise<T>,
): Promise<T> {
  const outcome = await transaction(ctx, async (tx): Promise<Outcome<T>> => {
    const checked = await check(tx, sel, code);
    return checked.ok ? { ok: true, value: await use(tx, checked.value, sel, then) } : checked;
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * For work that must wait for a slow step (hashing a new password or PIN) before it is
 * stored: checks the code first, so a wrong one costs no hash, runs `prepare`, then
 * consumes the code and runs `then` in one transaction. Two racing right codes: one wins,
 * the other gets INVALID_CODE.
 */
export async function consumeCodeAfter<P, T>(
  ctx: AuthContext,
  sel: CodeSelector,
  code: string,
  prepare: () => Promise<P>,
  then: (tx: AuthContext, c: Challenge, prepared: P) => Promise<T>,
): Promise<T> {
  const outcome = await transaction(ctx, (tx) => check(tx, sel, code));
  if (!outcome.ok) throw outcome.error;
  const prepared = await prepare();
  return transaction(ctx, (tx) => use(tx, outcome.value, sel, (tx2, c) => then(tx2, c, prepared)));
}
