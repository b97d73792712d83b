import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { AuditRepository } from "@authsvc/store";
import { auditEvents } from "../schema";
import type { Bound } from "./bound";
import { execute, inserter } from "./statement";

const insert = inserter("audit_insert", auditEvents, { omit: ["id"], returning: false });

export function pgAudit({ on, db }: Bound): AuditRepository {
  return {
    insert: (e) => execute(on, insert.statement, insert.values(e)),
    // An admin's search: its filters vary, so Drizzle builds it per call.
    list: async (q) =>
      await db()
        .select()
        .from(auditEvents)
        .where(
          and(
            q.userId !== undefined ? eq(auditEvents.userId, q.userId) : undefined,
            q.kind !== undefined ? eq(auditEvents.kind, q.kind) : undefined,
            q.from !== undefined ? gte(auditEvents.at, q.from) : undefined,
            q.to !== undefined ? lte(auditEvents.at, q.to) : undefined,
            q.before !== undefined ? lt(auditEvents.id, q.before) : undefined,
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(q.limit),
  };
}
