import { sql, type SQL } from "drizzle-orm";
import type { MaintenanceRepository, PurgeCutoffs, PurgeStep } from "@authsvc/store";
import type { Bound } from "./bound";

/** A message row that will not be sent again: delivered, or given up. */
const settled = (t: string) => sql.raw(`(${t}status = 'sent' OR (${t}status = 'failed' AND ${t}next_attempt_at IS NULL))`);

/**
 * One batch of each purge step, as core's SQLite statements: every step picks at most `batch`
 * rows by key, so a large backlog never holds locks on many rows for long.
 */
const steps: Record<PurgeStep, (c: PurgeCutoffs, batch: number) => SQL | null> = {
  signupPayloads: (c, batch) => sql`
    UPDATE challenges SET payload = NULL WHERE id IN (
      SELECT id FROM challenges
      WHERE purpose = 'signup' AND payload IS NOT NULL AND expires_at <= ${c.now} LIMIT ${batch})`,
  challenges: (c, batch) => sql`
    DELETE FROM challenges WHERE id IN (SELECT id FROM challenges WHERE expires_at <= ${c.graceCutoff} LIMIT ${batch})`,
  opaqueTokens: (c, batch) => sql`
    DELETE FROM opaque_tokens WHERE id IN (SELECT id FROM opaque_tokens WHERE expires_at <= ${c.graceCutoff} LIMIT ${batch})`,
  // Their tokens go with them (ON DELETE CASCADE).
  sessions: (c, batch) => sql`
    DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ${c.graceCutoff} LIMIT ${batch})`,
  // Partial index second_factors_unconfirmed: confirmed factors are never read here.
  unconfirmedFactors: (c, batch) => sql`
    DELETE FROM second_factors WHERE id IN (
      SELECT id FROM second_factors WHERE confirmed_at IS NULL AND created_at <= ${c.enrolmentCutoff} LIMIT ${batch})`,
  rateLimits: (c, batch) => sql`
    DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE window_start <= ${c.limitCutoff} LIMIT ${batch})`,
  // A row still to be sent (queued, sending, or failed with a retry due) is left alone: the
  // worker needs its text, and gives it up (redacted) once its code is no longer valid.
  outboxRedacted: (c, batch) => sql`
    UPDATE outbox SET code = NULL, text = ${c.redacted}::text,
      html = CASE WHEN html IS NULL THEN NULL ELSE ${c.redacted}::text END
    WHERE id IN (
      SELECT o.id FROM outbox o LEFT JOIN challenges ch ON ch.id = o.challenge_id
      WHERE (o.code IS NOT NULL OR o.text <> ${c.redacted}::text OR o.html <> ${c.redacted}::text)
        AND ${settled("o.")}
        AND NOT (o.purpose = 'password_reset' AND o.channel = 'email' AND o.created_at + ${c.linkMs}::bigint > ${c.now}::bigint)
        AND CASE WHEN o.challenge_id IS NULL THEN o.created_at + ${c.codeMs}::bigint <= ${c.now}::bigint
                 ELSE (ch.id IS NULL OR ch.consumed_at IS NOT NULL OR ch.superseded_at IS NOT NULL OR ch.expires_at <= ${c.now}::bigint) END
      LIMIT ${batch})`,
  outboxDeleted: (c, batch) => sql`
    DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE created_at <= ${c.outboxCutoff} AND ${settled("")} LIMIT ${batch})`,
  // Audit rows are written in time order: the oldest ids are the oldest events, so each batch
  // looks at the first ids only instead of scanning a year of rows to find nothing.
  auditEvents: (c, batch) =>
    c.auditCutoff === null
      ? null
      : sql`
    DELETE FROM audit_events WHERE id IN (
      SELECT id FROM (SELECT id, at FROM audit_events ORDER BY id LIMIT ${batch}) oldest WHERE at <= ${c.auditCutoff})`,
  oidcModels: (c, batch) => sql`
    DELETE FROM oidc_models WHERE (model, id) IN (
      SELECT model, id FROM oidc_models WHERE expires_at <= ${c.graceCutoff} LIMIT ${batch})`,
};

export function pgMaintenance({ db }: Bound): MaintenanceRepository {
  return {
    async purge(step, cutoffs, batch) {
      const statement = steps[step](cutoffs, batch);
      if (!statement) return 0;
      const result = await db().execute(statement);
      return result.rowCount ?? 0;
    },
  };
}
