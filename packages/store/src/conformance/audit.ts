import { describe, expect, it } from "vitest";
import type { NewAuditEvent } from "../records";
import { T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

const event = (overrides: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
  at: T0,
  userId: null,
  kind: "login",
  outcome: "ok",
  ip: null,
  userAgent: null,
  detail: null,
  ...overrides,
});

export function auditConformance(engine: ConformanceEngine) {
  describe("audit", () => {
    const store = useStore(engine);

    it("keeps an event as written, detail and nulls included", async () => {
      const e = event({ userId: 7, kind: "code_sent", outcome: "fail", ip: "203.0.113.1", userAgent: "ua", detail: { purpose: "login", n: 2, ok: true, none: null } });
      await store().audit.insert(e);
      await store().audit.insert(event());
      const [plain, full] = await store().audit.list({ limit: 10 });
      expect(full).toEqual({ ...e, id: expect.any(Number) });
      expect(plain).toEqual({ ...event(), id: expect.any(Number) });
      expect(plain!.id).toBeGreaterThan(full!.id);
    });

    it("lists newest first, filtered by user, kind and time (inclusive), paged by id", async () => {
      for (let i = 0; i < 6; i++) {
        await store().audit.insert(event({ at: T0 + i, userId: i % 2, kind: i < 3 ? "login" : "logout" }));
      }
      const all = await store().audit.list({ limit: 100 });
      expect(all.map((e) => e.at)).toEqual([5, 4, 3, 2, 1, 0].map((i) => T0 + i));
      expect((await store().audit.list({ userId: 1, limit: 100 })).map((e) => e.at)).toEqual([T0 + 5, T0 + 3, T0 + 1]);
      expect((await store().audit.list({ kind: "logout", limit: 100 })).map((e) => e.at)).toEqual([T0 + 5, T0 + 4, T0 + 3]);
      expect((await store().audit.list({ from: T0 + 2, to: T0 + 4, limit: 100 })).map((e) => e.at)).toEqual([T0 + 4, T0 + 3, T0 + 2]);
      expect((await store().audit.list({ limit: 2 })).map((e) => e.at)).toEqual([T0 + 5, T0 + 4]);
      const page = await store().audit.list({ before: all[1]!.id, limit: 2 });
      expect(page.map((e) => e.at)).toEqual([T0 + 3, T0 + 2]);
      expect((await store().audit.list({ userId: 0, kind: "login", from: T0 + 1, limit: 100 })).map((e) => e.at)).toEqual([T0 + 2]);
    });
  });
}
