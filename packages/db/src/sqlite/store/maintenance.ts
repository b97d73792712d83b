import type { MaintenanceRepository, PurgeCutoffs, PurgeStep } from "@authsvc/store";
import type { Db } from "../client";
import type { Scope } from "./scope";

/** A message row that will not be sent again: delivered, or given up. */
const settled = (t = "") => `(${t}status = 'sent' OR (${t}status = 'failed' AND ${t}next_attempt_at IS NULL))`;

// Each step is one statement over one batch, so a large backlog never holds the write lock for long.
export function prepareMaintenance(db: Db): Record<PurgeStep, ReturnType<Db["$client"]["prepare"]>> {
  const client = db.$client;
  return {
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
    // Partial index second_factors_unconfirmed: confirmed factors are never read here.
    unconfirmedFactors: client.prepare(
      `DELETE FROM second_factors WHERE id IN (
         SELECT id FROM second_factors WHERE confirmed_at IS NULL AND created_at <= @enrolmentCutoff LIMIT @batch)`,
    ),
    // By key: the table has no rowid (migration 0005).
    rateLimits: client.prepare(
      `DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE window_start <= @limitCutoff LIMIT @batch)`,
    ),
    // A row still to be sent (queued, sending, or failed with a retry due) is left alone: its
    // sender needs the text, and gives it up (redacted) once its code is no longer valid.
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
    oidcModels: client.prepare(
      `DELETE FROM oidc_models WHERE rowid IN (SELECT rowid FROM oidc_models WHERE expires_at <= @graceCutoff LIMIT @batch)`,
    ),
  };
}

export function maintenanceRepository(statements: ReturnType<typeof prepareMaintenance>, scope: Scope): MaintenanceRepository {
  return {
    purge: (step: PurgeStep, cutoffs: PurgeCutoffs, batch: number) =>
      scope.run(() => {
        if (step === "auditEvents" && cutoffs.auditCutoff === null) return 0;
        const statement = statements[step];
        const all: Record<string, unknown> = { ...cutoffs, batch };
        // better-sqlite3 refuses named parameters the statement does not use.
        const used = Object.fromEntries(Object.entries(all).filter(([name]) => statement.source.includes(`@${name}`)));
        return statement.run(used).changes;
      }),
  };
}
