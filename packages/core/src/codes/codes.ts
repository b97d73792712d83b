import { createHash, randomUUID } from "node:crypto";
import type { Challenge, CodeChannel, CodePurpose } from "@authsvc/store";
import { audit, maskDestination } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { hmac, randomDigits, safeEqual } from "../crypto/secrets";
import { AuthError } from "../errors";
import { consumeLimit, DAY_WINDOW_SEC, hitLimit, HOUR_WINDOW_SEC, peekLimit, refuseOver, resetLimit } from "../limits/rate-limit";
import { requesterOf, type Requester } from "../limits/requester";
import type { Limit } from "../options";
import { transaction } from "../transaction";
import { CODE_LENGTH, isCodeShape } from "../vocabulary";

export type { CodeChannel, CodePurpose };

export interface IssueCodeInput {
  purpose: CodePurpose;
  channel: CodeChannel;
  destination: string;
  userId?: number | null;
  payload?: Record<string, unknown> | null;
  meta?: RequestMeta;
  /** False for a fresh sign-up, which starts a registration of its own rather than resending one. */
  cooldown?: boolean;
  /**
   * False: the requester's earlier live code stays good too, and this one starts its own
   * count of sends (pending registrations of one email are independent). By default a send
   * replaces the code its requester asked for before.
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

/*
 * Everything one requester (limits/requester.ts) does to a destination is counted for that
 * requester alone, so a stranger who knows your number or email spends only their own
 * cooldown, caps and wrong tries, never yours: per purpose, destination and requester.
 * Only two things are shared: a high ceiling of sends to a destination from everybody (all
 * purposes together) against message bombing, and a small ceiling of wrong tries per code.
 * Every key ends with a delimiter.
 */
const failureKey = (purpose: Challenge["purpose"], destination: string, r: Requester) => `code-fail:${purpose}:${destination}:${r.key}`;
const hourKey = (purpose: Challenge["purpose"], destination: string, requester: string) => `code-send-h:${purpose}:${destination}:${requester}`;
const dayKey = (purpose: Challenge["purpose"], destination: string, requester: string) => `code-send-d:${purpose}:${destination}:${requester}`;
const destinationHourKey = (destination: string) => `code-dest-h:${destination}:`;
const destinationDayKey = (destination: string) => `code-dest-d:${destination}:`;
const failureLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.maxAttempts, windowSec: ctx.options.code.lockSec });
const hourLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.perHour, windowSec: HOUR_WINDOW_SEC });
const dayLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.perDay, windowSec: DAY_WINDOW_SEC });
const destinationHourLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.destinationPerHour, windowSec: HOUR_WINDOW_SEC });
const destinationDayLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.destinationPerDay, windowSec: DAY_WINDOW_SEC });
/** Codes made before requesters were recorded count as one requester's. */
const requesterKeyOf = (c: Challenge) => c.requester ?? "local:";

/** Binds the code to its challenge, purpose, destination and user: a code is good for one thing only. */
const codeHash = (ctx: AuthContext, c: Pick<Challenge, "id" | "purpose" | "destination" | "userId">, code: string) =>
  hmac(ctx.keys.code, `${c.id}|${c.purpose}|${c.destination}|${c.userId ?? ""}|${code}`);

/** Seconds to wait after the n-th send of the hour: 60, 120, 240... up to the maximum. */
export function cooldownSec(ctx: AuthContext, sendsThisHour: number): number {
  const { cooldownSec: base, maxCooldownSec } = ctx.options.code;
  return Math.min(base * 2 ** Math.max(0, sendsThisHour - 1), maxCooldownSec);
}

/**
 * The wait after the requester's previous code, given its sends this hour; none once that
 * code was used, or killed by wrong tries (whoever typed them: the owner asks again at once).
 */
function waitAfter(ctx: AuthContext, previous: Challenge | undefined, sendsThisHour: number): number {
  if (!previous || previous.consumedAt !== null || previous.attemptsLeft <= 0) return 0;
  const readyAt = previous.lastSentAt + cooldownSec(ctx, Math.max(1, sendsThisHour)) * 1000;
  return Math.max(0, Math.ceil((readyAt - ctx.now()) / 1000));
}

/** Seconds before this requester may have a new code sent to this destination for this purpose (0 = now). */
export async function resendWaitSec(ctx: AuthContext, purpose: CodePurpose, destination: string, meta?: RequestMeta, userId?: number | null): Promise<number> {
  return waitFor(ctx, purpose, destination, requesterOf(ctx, meta, userId).key);
}

/** The same, for whoever asked for `c`: what that requester waits before sending again. */
export function resendWaitOf(ctx: AuthContext, c: Challenge): Promise<number> {
  return waitFor(ctx, c.purpose, c.destination, requesterKeyOf(c));
}

async function waitFor(ctx: AuthContext, purpose: Challenge["purpose"], destination: string, requester: string): Promise<number> {
  const previous = await ctx.store.challenges.latestFrom(purpose, destination, requester);
  if (!previous) return 0;
  return waitAfter(ctx, previous, (await peekLimit(ctx, hourKey(purpose, destination, requester), hourLimit(ctx))).count);
}

/**
 * Makes a new code for (purpose, destination) and kills the requester's previous one.
 * Refused inside the requester's cooldown (unless `cooldown: false`), over its hourly or
 * daily cap, while it is locked out of the destination after too many wrong codes, and over
 * the destination's ceiling from everybody (which never refuses the owner's known device).
 *
 * A code with no user and no payload is a decoy: the flows that must not tell whether an
 * account exists issue one for an unknown destination and send nothing, so cooldowns, caps
 * and wrong tries behave exactly as for a real account.
 */
export function issueCode(ctx: AuthContext, input: IssueCodeInput): Promise<IssuedCode> {
  const { purpose, destination } = input;
  const opts = ctx.options.code;
  const userId = input.userId ?? null;
  const requester = requesterOf(ctx, input.meta, userId);
  return transaction(ctx, async (ctx) => {
    // Counts this send in the destination's hourly bucket before anything is read: its row
    // stays locked to the end of the transaction, so concurrent sends to one destination run
    // one after the other and each sees the code the one before it made. Without it, the first
    // sends to a destination would find no code to wait for and all go out (on PostgreSQL,
    // where transactions do run at once). A refusal below undoes the count with the rest.
    const destinationHour = await hitLimit(ctx, destinationHourKey(destination), destinationHourLimit(ctx));
    const failures = await peekLimit(ctx, failureKey(purpose, destination, requester), failureLimit(ctx));
    if (failures.count >= opts.maxAttempts) throw new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec });
    const previous = await ctx.store.challenges.latestFrom(purpose, destination, requester.key);
    // Counted before the cooldown is read, one statement instead of a read and a write: the
    // sends before this one are the count less this one, and a refusal undoes the count.
    const hour = await hitLimit(ctx, hourKey(purpose, destination, requester.key), hourLimit(ctx));
    if (input.cooldown !== false) {
      const wait = waitAfter(ctx, previous, hour.count - 1);
      if (wait > 0) throw new AuthError("RESEND_COOLDOWN", { retryAfterSec: wait });
    }
    refuseOver(hour, hourLimit(ctx));
    const sendsThisHour = hour.count;
    await consumeLimit(ctx, dayKey(purpose, destination, requester.key), dayLimit(ctx));
    // Counted for everybody, refused only to those who are not the owner's known device.
    const destinationDay = await hitLimit(ctx, destinationDayKey(destination), destinationDayLimit(ctx));
    for (const [state, limit] of [[destinationHour, destinationHourLimit(ctx)], [destinationDay, destinationDayLimit(ctx)]] as const) {
      if (state.count > limit.max && !requester.knownDevice) throw new AuthError("RATE_LIMITED", { retryAfterSec: state.retryAfterSec });
    }

    const now = ctx.now();
    if (input.supersede !== false) await ctx.store.challenges.supersedeLive(purpose, destination, now, requester.key);
    const code = ctx.newCode?.() ?? randomDigits(CODE_LENGTH);
    const id = randomUUID();
    const challenge = await ctx.store.challenges.insert({
      id,
      userId,
      purpose,
      channel: input.channel,
      destination,
      codeHash: codeHash(ctx, { id, purpose, destination, userId }, code),
      expiresAt: now + opts.ttlSec * 1000,
      attemptsLeft: opts.maxAttemptsPerCode,
      sendCount: input.supersede !== false && previous && previous.consumedAt === null && previous.supersededAt === null ? previous.sendCount + 1 : 1,
      lastSentAt: now,
      payload: input.payload ?? null,
      requester: requester.key,
      createdAt: now,
    });
    await audit(ctx, {
      kind: "code_sent",
      userId,
      meta: input.meta,
      // A decoy is never sent: the audit says so, so an admin is not misled.
      detail: { purpose, channel: input.channel, to: maskDestination(destination), ...(userId === null && !input.payload ? { decoy: true } : {}) },
    });
    // What resendWaitSec would read back: this code, sent now, after this hour's sends.
    return { challenge, code, resendInSec: cooldownSec(ctx, Math.max(1, sendsThisHour)) };
  });
}

/**
 * Gives back what a send took when the message never left: the cooldown and one send of
 * each cap it counted in. The code itself stays as it was, unused.
 */
export async function undoSend(ctx: AuthContext, challenge: Challenge): Promise<void> {
  const { purpose, destination } = challenge;
  const requester = requesterKeyOf(challenge);
  await ctx.store.challenges.clearLastSent(challenge.id);
  await hitLimit(ctx, hourKey(purpose, destination, requester), hourLimit(ctx), -1);
  await hitLimit(ctx, dayKey(purpose, destination, requester), dayLimit(ctx), -1);
  await hitLimit(ctx, destinationHourKey(destination), destinationHourLimit(ctx), -1);
  await hitLimit(ctx, destinationDayKey(destination), destinationDayLimit(ctx), -1);
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
 * Checks `code` against the selected challenge inside the caller's transaction. Selected by
 * destination, every live code of it counts (each requester may have asked for one; the
 * owner's may come from an address that differs from where they type it). A wrong code, or
 * no live code at all, is recorded the same way (a try of each live code, a failure of this
 * requester for this destination), so an unknown destination answers like a known one.
 */
async function check(ctx: AuthContext, sel: CodeSelector, code: string): Promise<Outcome<Challenge>> {
  const found = sel.challengeId
    ? [await findChallenge(ctx, sel.challengeId)]
    : sel.destination
      ? await ctx.store.challenges.live(sel.purpose, sel.destination)
      : [];
  if (sel.challengeId !== undefined && found[0]?.purpose !== sel.purpose) {
    // An id no code of this purpose has (none at all, another kind of code's, a string no row
    // can hold): there is nothing to try a code against, so nothing to count, and "wrong code,
    // n tries left" would be untrue. Saying so tells nobody anything: ids are random UUIDs
    // (nobody finds a live one by trying), and the registration's status already answers
    // "not found" for the same id.
    return { ok: false, error: new AuthError("VERIFICATION_NOT_FOUND") };
  }
  const live = found.filter(
    (c): c is Challenge =>
      c !== undefined && c.purpose === sel.purpose && (sel.userId === undefined || c.userId === sel.userId) && c.consumedAt === null && c.supersededAt === null,
  );
  // An id that names no live code is whatever the request carried: its hash keys the bucket,
  // so any character (U+0000 too, which PostgreSQL cannot store) and any length fit.
  const destination = live[0]?.destination ?? sel.destination ?? `id:${createHash("sha256").update(sel.challengeId ?? "").digest("base64url")}`;
  const userId = live[0]?.userId ?? null;
  const max = ctx.options.code.maxAttempts;
  const lockKey = failureKey(sel.purpose, destination, requesterOf(ctx, sel.meta, userId));
  const failures = await peekLimit(ctx, lockKey, failureLimit(ctx));
  if (failures.count >= max) {
    return { ok: false, error: new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec, attemptsLeft: 0 }) };
  }
  const now = ctx.now();
  const usable = live.filter((c) => c.attemptsLeft > 0 && c.expiresAt > now);
  if (live.length > 0 && usable.length === 0) {
    // Out of tries (the lock, if any, has passed): this code is dead, and a new one may be sent.
    if (live[0]!.attemptsLeft <= 0) return { ok: false, error: new AuthError("INVALID_CODE", { attemptsLeft: 0 }) };
    return { ok: false, error: new AuthError("CODE_EXPIRED") };
  }

  if (isCodeShape(code)) {
    for (const c of usable) if (safeEqual(codeHash(ctx, c, code), c.codeHash)) return { ok: true, value: c };
  }
  const detail = { purpose: sel.purpose, to: maskDestination(destination) };
  // A wrong code is a try at every live code it was compared with: each code's total stays
  // small however many requesters guess. The store takes each try in one step, so
  // concurrent wrong codes each spend exactly one.
  let left = usable.length ? 0 : ctx.options.code.maxAttemptsPerCode;
  for (const c of usable) left = Math.max(left, (await ctx.store.challenges.spendAttempt(c.id)) ?? 0);
  const after = await hitLimit(ctx, lockKey, failureLimit(ctx));
  await audit(ctx, { kind: "code_failed", outcome: "fail", userId, meta: sel.meta, detail });
  if (left <= 0 || after.count >= max) {
    await audit(ctx, { kind: "lockout", outcome: "fail", userId, meta: sel.meta, detail: { ...detail, what: "code", seconds: after.retryAfterSec } });
    return { ok: false, error: new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: after.retryAfterSec, attemptsLeft: 0 }) };
  }
  return { ok: false, error: new AuthError("INVALID_CODE", { attemptsLeft: Math.min(left, max - after.count) }) };
}

/**
 * Marks a checked code used (only if still live) and runs `then` with it; inside the caller's
 * transaction. A code chosen by destination ends that destination's round: the other live
 * codes of it (other requesters') die with it, so none is left to guess at.
 */
async function use<T>(ctx: AuthContext, c: Challenge, sel: CodeSelector, then: (tx: AuthContext, c: Challenge) => Promise<T>): Promise<T> {
  const now = ctx.now();
  if (!(await ctx.store.challenges.consume(c.id, now))) throw new AuthError("INVALID_CODE");
  if (sel.destination !== undefined) await ctx.store.challenges.supersedeLive(c.purpose, c.destination, now);
  await resetLimit(ctx, failureKey(c.purpose, c.destination, requesterOf(ctx, sel.meta, c.userId)));
  await audit(ctx, { kind: "code_verified", userId: c.userId, meta: sel.meta, detail: { purpose: c.purpose, to: maskDestination(c.destination) } });
  return then(ctx, { ...c, consumedAt: now });
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
