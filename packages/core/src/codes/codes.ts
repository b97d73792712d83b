import { randomUUID } from "node:crypto";
import { and, challenges, desc, eq, isNull, sql, type Challenge } from "@authsvc/db";
import { audit, maskDestination } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { hmac, randomDigits, safeEqual } from "../crypto/secrets";
import { AuthError } from "../errors";
import { preparedFor } from "../prepared";
import { consumeLimit, hitLimit, peekLimit, resetLimit } from "../limits/rate-limit";
import type { Limit } from "../options";
import { transaction } from "../transaction";

export type CodePurpose = Challenge["purpose"];
export type CodeChannel = Challenge["channel"];

export interface IssueCodeInput {
  purpose: CodePurpose;
  channel: CodeChannel;
  destination: string;
  userId?: number | null;
  payload?: Record<string, unknown> | null;
  meta?: RequestMeta;
}

export interface IssuedCode {
  challenge: Challenge;
  /** The code in clear, only to be put in the message; never stored. */
  code: string;
}

const failureKey = (purpose: CodePurpose, destination: string) => `code-fail:${purpose}:${destination}`;
const failureLimit = (ctx: AuthContext): Limit => ({ max: ctx.options.code.maxAttempts, windowSec: ctx.options.code.lockSec });
const hourKey = (destination: string) => `code-send-h:${destination}`;
const dayKey = (destination: string) => `code-send-d:${destination}`;

/** Binds the code to its challenge, purpose, destination and user: a code is good for one thing only. */
const codeHash = (ctx: AuthContext, c: Pick<Challenge, "id" | "purpose" | "destination" | "userId">, code: string) =>
  hmac(ctx.keys.code, `${c.id}|${c.purpose}|${c.destination}|${c.userId ?? ""}|${code}`);

// A code send runs these several times, a code check twice: prepared once, not rebuilt per call.
const queries = preparedFor((db) => {
  const purpose = sql.placeholder("purpose");
  const destination = sql.placeholder("destination");
  return {
    latest: db
      .select()
      .from(challenges)
      .where(and(eq(challenges.purpose, purpose), eq(challenges.destination, destination)))
      .orderBy(desc(challenges.createdAt), desc(challenges.lastSentAt))
      .prepare(),
    byId: db.select().from(challenges).where(eq(challenges.id, sql.placeholder("id"))).prepare(),
    supersede: db
      .update(challenges)
      .set({ supersededAt: sql`${sql.placeholder("now")}` })
      .where(
        and(
          eq(challenges.purpose, purpose),
          eq(challenges.destination, destination),
          isNull(challenges.consumedAt),
          isNull(challenges.supersededAt),
        ),
      )
      .prepare(),
    insert: db
      .insert(challenges)
      .values({
        id: sql.placeholder("id"),
        userId: sql.placeholder("userId"),
        purpose,
        channel: sql.placeholder("channel"),
        destination,
        codeHash: sql.placeholder("codeHash"),
        expiresAt: sql.placeholder("expiresAt"),
        attemptsLeft: sql.placeholder("attemptsLeft"),
        sendCount: sql.placeholder("sendCount"),
        lastSentAt: sql.placeholder("now"),
        // Raw, so NULL stays NULL: a placeholder bound to the JSON column would store "null".
        payload: sql`${sql.placeholder("payload")}`,
        createdAt: sql.placeholder("now"),
      })
      .returning()
      .prepare(),
    consume: db
      .update(challenges)
      .set({ consumedAt: sql`${sql.placeholder("now")}` })
      .where(and(eq(challenges.id, sql.placeholder("id")), isNull(challenges.consumedAt), isNull(challenges.supersededAt)))
      .prepare(),
  };
});

function latestChallenge(ctx: AuthContext, purpose: CodePurpose, destination: string): Challenge | undefined {
  return queries(ctx).latest.get({ purpose, destination });
}

/** Seconds to wait after the n-th send of the hour: 60, 120, 240... up to the maximum. */
export function cooldownSec(ctx: AuthContext, sendsThisHour: number): number {
  const { cooldownSec: base, maxCooldownSec } = ctx.options.code;
  return Math.min(base * 2 ** Math.max(0, sendsThisHour - 1), maxCooldownSec);
}

/** Seconds before a new code may be sent to this destination for this purpose (0 = now). */
export function resendWaitSec(ctx: AuthContext, purpose: CodePurpose, destination: string): number {
  const previous = latestChallenge(ctx, purpose, destination);
  if (!previous || previous.consumedAt !== null) return 0;
  const sends = peekLimit(ctx, hourKey(destination), { max: ctx.options.code.perHour, windowSec: 3600 }).count;
  const readyAt = previous.lastSentAt + cooldownSec(ctx, Math.max(1, sends)) * 1000;
  return Math.max(0, Math.ceil((readyAt - ctx.now()) / 1000));
}

/**
 * Makes a new code for (purpose, destination) and kills the previous one. Refused inside
 * the cooldown, over the hourly or daily cap, and while the destination is locked after
 * too many wrong codes. Wrong tries already made carry over to the new code.
 */
export function issueCode(ctx: AuthContext, input: IssueCodeInput): IssuedCode {
  const { purpose, destination } = input;
  const opts = ctx.options.code;
  return transaction(ctx, () => {
    const failures = peekLimit(ctx, failureKey(purpose, destination), failureLimit(ctx));
    if (failures.count >= opts.maxAttempts) throw new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec });
    const wait = resendWaitSec(ctx, purpose, destination);
    if (wait > 0) throw new AuthError("RESEND_COOLDOWN", { retryAfterSec: wait });
    consumeLimit(ctx, hourKey(destination), { max: opts.perHour, windowSec: 3600 });
    consumeLimit(ctx, dayKey(destination), { max: opts.perDay, windowSec: 86400 });

    const now = ctx.now();
    const previous = latestChallenge(ctx, purpose, destination);
    queries(ctx).supersede.run({ now, purpose, destination });
    const code = randomDigits(6);
    const id = randomUUID();
    const userId = input.userId ?? null;
    const challenge = queries(ctx).insert.get({
      id,
      userId,
      purpose,
      channel: input.channel,
      destination,
      codeHash: codeHash(ctx, { id, purpose, destination, userId }, code),
      expiresAt: now + opts.ttlSec * 1000,
      attemptsLeft: opts.maxAttempts - failures.count,
      sendCount: previous && previous.consumedAt === null ? previous.sendCount + 1 : 1,
      now,
      payload: input.payload ? JSON.stringify(input.payload) : null,
    })!;
    audit(ctx, {
      kind: "code_sent",
      userId,
      meta: input.meta,
      detail: { purpose, channel: input.channel, to: maskDestination(destination) },
    });
    return { challenge, code };
  });
}

/**
 * Gives back what a send took when the message never left: the cooldown and one send of
 * the hourly and daily caps. The code itself stays as it was, unused.
 */
export function undoSend(ctx: AuthContext, challenge: Challenge): void {
  ctx.db.update(challenges).set({ lastSentAt: 0 }).where(eq(challenges.id, challenge.id)).run();
  hitLimit(ctx, hourKey(challenge.destination), { max: ctx.options.code.perHour, windowSec: 3600 }, -1);
  hitLimit(ctx, dayKey(challenge.destination), { max: ctx.options.code.perDay, windowSec: 86400 }, -1);
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

export function findChallenge(ctx: AuthContext, id: string): Challenge | undefined {
  return queries(ctx).byId.get({ id });
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: AuthError };

/**
 * Checks `code` and, when right, consumes it and runs `then` in the same transaction, so a
 * code is used exactly once even under concurrency and the work it unlocks happens with it
 * or not at all. A wrong code is recorded (tries left, failures per destination) and that
 * record is committed before the error is thrown.
 */
export function consumeCode<T>(ctx: AuthContext, sel: CodeSelector, code: string, then: (c: Challenge) => T): T {
  const outcome = transaction(ctx, (): Outcome<T> => {
    const c = sel.challengeId
      ? findChallenge(ctx, sel.challengeId)
      : sel.destination
        ? latestChallenge(ctx, sel.purpose, sel.destination)
        : undefined;
    if (!c || c.purpose !== sel.purpose || (sel.userId !== undefined && c.userId !== sel.userId)) {
      return { ok: false, error: new AuthError("INVALID_CODE") };
    }
    if (c.consumedAt !== null || c.supersededAt !== null) return { ok: false, error: new AuthError("INVALID_CODE") };
    const lockKey = failureKey(c.purpose, c.destination);
    const failures = peekLimit(ctx, lockKey, failureLimit(ctx));
    if (failures.count >= ctx.options.code.maxAttempts) {
      return { ok: false, error: new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: failures.retryAfterSec, attemptsLeft: 0 }) };
    }
    // Out of tries but the lock has passed: this code is dead, and a new one may be sent.
    if (c.attemptsLeft <= 0) return { ok: false, error: new AuthError("INVALID_CODE", { attemptsLeft: 0 }) };
    if (c.expiresAt <= ctx.now()) return { ok: false, error: new AuthError("CODE_EXPIRED") };

    const detail = { purpose: c.purpose, to: maskDestination(c.destination) };
    if (!/^\d{6}$/.test(code) || !safeEqual(codeHash(ctx, c, code), c.codeHash)) {
      const left = c.attemptsLeft - 1;
      ctx.db.update(challenges).set({ attemptsLeft: left }).where(eq(challenges.id, c.id)).run();
      const after = hitLimit(ctx, lockKey, failureLimit(ctx));
      audit(ctx, { kind: "code_failed", outcome: "fail", userId: c.userId, meta: sel.meta, detail });
      if (left <= 0 || after.count >= ctx.options.code.maxAttempts) {
        audit(ctx, { kind: "lockout", outcome: "fail", userId: c.userId, meta: sel.meta, detail: { ...detail, what: "code" } });
        return { ok: false, error: new AuthError("TOO_MANY_ATTEMPTS", { retryAfterSec: after.retryAfterSec, attemptsLeft: 0 }) };
      }
      return { ok: false, error: new AuthError("INVALID_CODE", { attemptsLeft: Math.min(left, ctx.options.code.maxAttempts - after.count) }) };
    }
    const used = queries(ctx).consume.run({ now: ctx.now(), id: c.id });
    if (used.changes !== 1) return { ok: false, error: new AuthError("INVALID_CODE") };
    resetLimit(ctx, lockKey);
    audit(ctx, { kind: "code_verified", userId: c.userId, meta: sel.meta, detail });
    return { ok: true, value: then({ ...c, consumedAt: ctx.now() }) };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
