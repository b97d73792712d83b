import type { AuditRepository } from "@authsvc/store";
import { and, desc, eq, gte, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditEvents } from "../schema";
import { bare } from "./bare";
import type { Scope } from "./scope";

const p = sql.placeholder;

// Every login, code and session change writes an event: prepared once per store.
export function prepareAudit(db: Db) {
  return {
    insert: bare(
      db,
      db
        .insert(auditEvents)
        .values({
          at: p("at"),
          kind: p("kind"),
          outcome: p("outcome"),
          userId: p("userId"),
          ip: p("ip"),
          userAgent: p("userAgent"),
          // Raw, so NULL stays NULL: a placeholder bound to the JSON column would store "null".
          detail: sql`${p("detail")}`,
        }),
    ),
  };
}

type Queries = ReturnType<typeof prepareAudit>;

export function auditRepository(db: Db, q: Queries, scope: Scope): AuditRepository {
  return {
    insert: (e) =>
      scope.run(() => {
        q.insert.run({ ...e, detail: e.detail === null ? null : JSON.stringify(e.detail) });
      }),
    // An admin's page, rarely read: built per call, as its filters vary.
    list: (f) =>
      scope.run(() => {
        const conditions = [
          f.userId !== undefined ? eq(auditEvents.userId, f.userId) : undefined,
          f.kind !== undefined ? eq(auditEvents.kind, f.kind) : undefined,
          f.from !== undefined ? gte(auditEvents.at, f.from) : undefined,
          f.to !== undefined ? lte(auditEvents.at, f.to) : undefined,
          f.before !== undefined ? lt(auditEvents.id, f.before) : undefined,
        ].filter((c) => c !== undefined);
        return db
          .select()
          .from(auditEvents)
          .where(conditions.length ? and(...conditions) : undefined)
          .orderBy(desc(auditEvents.id))
          .limit(f.limit)
          .all();
      }),
  };
}
