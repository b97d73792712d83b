import { REDACTED, type PurgeCutoffs, type PurgeStep } from "@authsvc/store";
import { every, type Background } from "../background";
import type { AuthContext } from "../context";
import type { AuthOptions } from "../options";
import { FIXED_WINDOWS_SEC } from "../limits/rate-limit";
import { retireKeys } from "../sessions/signing-keys";

/**
 * The scheduled purge: what the store no longer needs is deleted, and what it keeps for a
 * while keeps no secret in clear. Every step works in batches of its own statement, so a
 * large backlog never holds a lock for long, and yields to the event loop between. The
 * store does each step (`MaintenanceRepository.purge`); the rules and cutoffs are here.
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
 * - An authenticator app's enrolment never confirmed (it holds a sealed secret) is deleted
 *   `retention.graceSec` after it could no longer be confirmed.
 * - Audit events are deleted after `retention.auditDays` (0: kept for ever).
 * - The OpenID provider's rows (codes, tokens, grants, its sessions and interactions) are
 *   deleted `retention.graceSec` after they expired; its reads already ignore them once expired.
 * - A replaced signing key is deleted once no token it signed can still be alive
 *   (sessions/signing-keys.ts `retireKeys`).
 */

/** Rows each step changed, by step. */
export type PurgeReport = Record<PurgeStep | "signingKeys", number>;

export interface PurgeOptions {
  /** Rows per statement. */
  batchSize?: number;
}

const DEFAULT_BATCH = 500;
const DAY_MS = 86_400_000;

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
  const { retention, code, resetLinkTtlSec, secondFactor } = ctx.options;
  const limitWindowSec = longestLimitWindowSec(ctx.options);
  const report: PurgeReport = {
    signupPayloads: 0,
    challenges: 0,
    opaqueTokens: 0,
    sessions: 0,
    unconfirmedFactors: 0,
    rateLimits: 0,
    outboxRedacted: 0,
    outboxDeleted: 0,
    auditEvents: 0,
    oidcModels: 0,
    signingKeys: 0,
  };
  // Each step reads the clock anew: a long backlog must not purge by a stale "now".
  const cutoffs = (): PurgeCutoffs => {
    const now = ctx.now();
    return {
      now,
      graceCutoff: now - retention.graceSec * 1000,
      limitCutoff: now - (limitWindowSec + retention.graceSec) * 1000,
      outboxCutoff: now - retention.outboxDays * DAY_MS,
      auditCutoff: retention.auditDays === 0 ? null : now - retention.auditDays * DAY_MS,
      enrolmentCutoff: now - (secondFactor.enrolmentTtlSec + retention.graceSec) * 1000,
      codeMs: code.ttlSec * 1000,
      linkMs: resetLinkTtlSec * 1000,
      redacted: REDACTED,
    };
  };
  const steps = Object.keys(report).filter((s) => s !== "signingKeys") as PurgeStep[];
  for (const step of steps) {
    if (step === "auditEvents" && retention.auditDays === 0) continue;
    for (;;) {
      const changed = await ctx.store.maintenance.purge(step, cutoffs(), batch);
      report[step] += changed;
      if (changed < batch) break;
      await nextTick();
    }
  }
  report.signingKeys = (await retireKeys(ctx)).length;
  return report;
}

/** Purges now and then every `intervalMs` until stopped; a failed pass is logged and retried on the next tick. */
export function startMaintenance(ctx: AuthContext, intervalMs = 60_000): Background {
  return every(ctx, intervalMs, "purge", async () => {
    const report = await purgeExpired(ctx);
    if (Object.values(report).some((n) => n > 0)) ctx.log.info({ ...report }, "purged expired data");
  });
}
