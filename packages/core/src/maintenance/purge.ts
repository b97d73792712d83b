import type { Db } from "@authsvc/db";
import { every, type Background } from "../background";
import type { AuthContext } from "../context";
import { REDACTED } from "../delivery/outbox";
import type { AuthOptions } from "../options";

/**
 * The scheduled purge: what the store no longer needs is deleted, and what it keeps for a
 * while keeps no secret in clear. Every step works in batches of its own statement, so a
 * large backlog never holds the write lock for long, and yields to the event loop between.
 *
 * - A pending registration (a `signup` challenge) carries a password hash in its payload:
 *   the payload is dropped as soon as the code expires.
 * - Challenges, opaque tokens (reset links, family 001 bearers) and sessions are deleted
 *   `retention.graceSec` after they expired, so that an answer given meanwhile still says
 *   "expired" rather than "unknown".
 * - Rate-limit rows go once the longest window any limit uses, plus the grace, has passed
 *   since their window began: a row is never deleted while its window may be running.
 * - Outbox rows keep their text only while their code (or reset link) can still be used:
 *   the dev outbox shows it until then. Rows a real transport delivered were redacted when
 *   sent (delivery/deliver.ts); this catches the rest. All settled rows are deleted after
 *   `retention.outboxDays`.
 * - Audit events are deleted after `retention.auditDays` (0: kept for ever).
 */

export interface PurgeReport {
  signupPayloads: number;
  challenges: number;
  opaqueTokens: number;
  sessions: number;
  rateLimits: number;
  outboxRedacted: number;
  outboxDeleted: number;
  auditEvents: number;
}

export interface PurgeOptions {
  /** Rows per statement. */
  batchSize?: number;
}

const DEFAULT_BATCH = 500;
const DAY_MS = 86_400_000;
/** Windows written into the code rules rather than into options (codes.ts: per hour, per day). */
const FIXED_WINDOWS_SEC = [3600, 86_400];

/** A message row that will not be sent again: delivered, or given up. */
const settled = (t = "") => `(${t}status = 'sent' OR (${t}status = 'failed' AND ${t}next_attempt_at IS NULL))`;

type Statement = ReturnType<Db["$client"]["prepare"]>;
type Statements = Record<keyof PurgeReport, Statement>;
const prepared = new WeakMap<object, Statements>();

function statements(ctx: AuthContext): Statements {
  const client = ctx.db.$client;
  let s = prepared.get(client);
  if (s) return s;
  s = {
    signupPayloads: client.prepare(
      `UPDATE challenges SET payload = NULL WHERE rowid IN (
         SELECT rowid FROM challenges WHERE purpose = 'signup' AND payload IS NOT NULL AND expires_at <= @now LIMIT @batch)`,
    ),
    challenges: client.prepare(
      `DELETE FROM challenges WHERE rowid IN (SELECT rowid FROM challenges WHERE expires_at <= @graceCutoff LIMIT @batch)`,
    ),
    opaqueTokens: client.prepare(
      `DELETE FROM opaque_tokens WHERE id IN (SELECT id FROM opaque_tokens WHERE expires_at <= @graceCutoff LIMIT @batch)`,
    ),
    // Their tokens go with them (ON DELETE CASCADE).
    sessions: client.prepare(`DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= @graceCutoff LIMIT @batch)`),
    rateLimits: client.prepare(
      `DELETE FROM rate_limits WHERE rowid IN (SELECT rowid FROM rate_limits WHERE window_start <= @limitCutoff LIMIT @batch)`,
    ),
    // A row still to be sent (queued, or failed with a retry due) is left alone: the worker
    // needs its text, and gives it up (redacted) once its code is no longer valid.
    outboxRedacted: client.prepare(
      `UPDATE outbox SET code = NULL, text = @redacted, html = CASE WHEN html IS NULL THEN NULL ELSE @redacted END
       WHERE id IN (
         SELECT o.id FROM outbox o LEFT JOIN challenges c ON c.id = o.challenge_id
         WHERE (o.code IS NOT NULL OR o.text <> @redacted OR o.html <> @redacted)
           AND ${settled("o.")}
           AND NOT (o.purpose = 'password_reset' AND o.channel = 'email' AND o.created_at + @linkMs > @now)
           AND CASE WHEN o.challenge_id IS NULL THEN o.created_at + @codeMs <= @now
                    ELSE (c.id IS NULL OR c.consumed_at IS NOT NULL OR c.superseded_at IS NOT NULL OR c.expires_at <= @now) END
         LIMIT @batch)`,
    ),
    outboxDeleted: client.prepare(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at <= @outboxCutoff AND ${settled()} LIMIT @batch)`,
    ),
    // Audit rows are written in time order: the oldest ids are the oldest events, so each batch
    // looks at the first ids only instead of scanning a year of rows to find nothing.
    auditEvents: client.prepare(
      `DELETE FROM audit_events WHERE id IN (
         SELECT id FROM (SELECT id, at FROM audit_events ORDER BY id LIMIT @batch) WHERE at <= @auditCutoff)`,
    ),
  };
  prepared.set(client, s);
  return s;
}

/** Every `windowSec` among the options' limits, and the windows written into the code rules. */
export function longestLimitWindowSec(options: AuthOptions): number {
  const windows: number[] = [...FIXED_WINDOWS_SEC, options.code.lockSec];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "windowSec" && typeof inner === "number") windows.push(inner);
      else walk(inner);
    }
  };
  walk(options);
  return Math.max(...windows);
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One pass over every table; returns how many rows each step changed. */
export async function purgeExpired(ctx: AuthContext, options: PurgeOptions = {}): Promise<PurgeReport> {
  const batch = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
  const { retention, code, resetLinkTtlSec } = ctx.options;
  const s = statements(ctx);
  const limitWindowSec = longestLimitWindowSec(ctx.options);
  const report: PurgeReport = {
    signupPayloads: 0,
    challenges: 0,
    opaqueTokens: 0,
    sessions: 0,
    rateLimits: 0,
    outboxRedacted: 0,
    outboxDeleted: 0,
    auditEvents: 0,
  };
  // Each step reads the clock anew: a long backlog must not purge by a stale "now".
  const params = (): Record<string, number | string> => {
    const now = ctx.now();
    return {
      now,
      batch,
      graceCutoff: now - retention.graceSec * 1000,
      limitCutoff: now - (limitWindowSec + retention.graceSec) * 1000,
      redacted: REDACTED,
      linkMs: resetLinkTtlSec * 1000,
      codeMs: code.ttlSec * 1000,
      outboxCutoff: now - retention.outboxDays * DAY_MS,
      auditCutoff: now - retention.auditDays * DAY_MS,
    };
  };
  const steps = Object.keys(report) as (keyof PurgeReport)[];
  for (const step of steps) {
    if (step === "auditEvents" && retention.auditDays === 0) continue;
    const statement = s[step];
    for (;;) {
      const all = params();
      // better-sqlite3 refuses named parameters the statement does not use.
      const used = Object.fromEntries(Object.entries(all).filter(([name]) => statement.source.includes(`@${name}`)));
      const changed = statement.run(used).changes;
      report[step] += changed;
      if (changed < batch) break;
      await nextTick();
    }
  }
  return report;
}

/** Purges now and then every `intervalMs` until stopped; a failed pass is logged and retried on the next tick. */
export function startMaintenance(ctx: AuthContext, intervalMs = 60_000): Background {
  return every(ctx, intervalMs, "purge", async () => {
    const report = await purgeExpired(ctx);
    if (Object.values(report).some((n) => n > 0)) ctx.log.info({ ...report }, "purged expired data");
  });
}
