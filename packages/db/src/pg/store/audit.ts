import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { AuditRepository } from "@authsvc/store";
import { auditEvents } from "../schema";
import type { Bound } from "./session";

export function pgAudit({ db }: Bound): AuditRepository {
  return {
    async insert(e) {
      await db.insert(auditEvents).values(e);
    },
    list: async (q) =>
      await db
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
