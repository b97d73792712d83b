import { describe, expect, it } from "vitest";
import type { NewAuditEvent } from "../records";
import { UniqueConflict, type Store } from "../store";
import { aUser, newChallenge, newUser, pause, rejectionOf, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

const mark = (kind: string): NewAuditEvent => ({ at: T0, userId: null, kind, outcome: "ok", ip: null, userAgent: null, detail: null });
const kinds = async (store: Store) => (await store.audit.list({ limit: 100 })).map((e) => e.kind).sort();

export function transactionConformance(engine: ConformanceEngine) {
  describe("transaction", () => {
    const store = useStore(engine);

    it("reports a fresh store ready", async () => {
      expect(await store().ready()).toBe(true);
    });

    it("commits every write and returns the body's value", async () => {
      const result = await store().transaction(async (tx) => {
        const user = await tx.users.create(newUser({ email: "ana@example.com" }), null);
        await tx.audit.insert(mark("signup"));
        // The transaction reads its own writes.
        expect((await tx.users.byEmail("ana@example.com"))?.id).toBe(user.id);
        return user.id;
      });
      expect((await store().users.byEmail("ana@example.com"))?.id).toBe(result);
      expect(await kinds(store())).toEqual(["signup"]);
    });

    it("rolls back every write when the body throws, and rethrows its error", async () => {
      const user = await aUser(store(), { email: "ana@example.com" });
      const boom = new Error("boom");
      const err = await rejectionOf(
        store().transaction(async (tx) => {
          await tx.users.create(newUser({ email: "bob@example.com" }), { hash: "h", at: T0 });
          await tx.users.update(user.id, { bio: "changed", updatedAt: T0 + 1 });
          await tx.credentials.setPassword(user.id, "new-hash", T0 + 1);
          await tx.challenges.insert(newChallenge({ id: "rolled-back" }));
          await tx.limits.hit("k", 1, 60_000, T0);
          await tx.audit.insert(mark("signup"));
          await pause();
          throw boom;
        }),
      );
      expect(err).toBe(boom);
      expect(await store().users.byEmail("bob@example.com")).toBeUndefined();
      expect(await store().users.byId(user.id)).toEqual(user);
      expect((await store().credentials.get(user.id))?.passwordHash).toBeNull();
      expect(await store().challenges.byId("rolled-back")).toBeUndefined();
      expect(await store().limits.peek("k")).toBeUndefined();
      expect(await kinds(store())).toEqual([]);
    });

    it("rolls back everything when a unique conflict ends it", async () => {
      await aUser(store(), { email: "taken@example.com" });
      const err = await rejectionOf(
        store().transaction(async (tx) => {
          await tx.users.create(newUser({ email: "ana@example.com" }), null);
          await tx.users.create(newUser({ email: "taken@example.com" }), null);
        }),
      );
      expect((err as UniqueConflict).field).toBe("email");
      expect(await store().users.byEmail("ana@example.com")).toBeUndefined();
    });

    it("rolls back only a nested transaction that throws", async () => {
      await store().transaction(async (tx) => {
        await tx.audit.insert(mark("outer-before"));
        await rejectionOf(
          tx.transaction(async (inner) => {
            await inner.audit.insert(mark("inner"));
            await inner.limits.hit("inner", 1, 60_000, T0);
            throw new Error("inner fails");
          }),
        );
        await tx.audit.insert(mark("outer-after"));
      });
      expect(await kinds(store())).toEqual(["outer-after", "outer-before"]);
      expect(await store().limits.peek("inner")).toBeUndefined();
    });

    it("commits a nested transaction with its outer one, and rolls it back with it", async () => {
      await store().transaction(async (tx) => {
        await tx.transaction(async (inner) => inner.audit.insert(mark("kept")));
      });
      await rejectionOf(
        store().transaction(async (tx) => {
          await tx.transaction(async (inner) => inner.audit.insert(mark("dropped")));
          throw new Error("outer fails");
        }),
      );
      expect(await kinds(store())).toEqual(["kept"]);
    });

    it("neither loses nor rolls back work done outside a transaction that fails meanwhile", async () => {
      const results = await Promise.allSettled([
        store().transaction(async (tx) => {
          await tx.audit.insert(mark("inside"));
          await pause(20);
          throw new Error("fails");
        }),
        (async () => {
          await pause(2);
          await store().audit.insert(mark("outside"));
          await store().limits.hit("outside", 1, 60_000, T0);
        })(),
      ]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
      expect(await kinds(store())).toEqual(["outside"]);
      expect(await store().limits.peek("outside")).toEqual({ count: 1, windowStart: T0 });
    });

    it("keeps concurrent transactions apart: each commits or fails on its own", async () => {
      const results = await Promise.allSettled([
        store().transaction(async (tx) => {
          await tx.audit.insert(mark("a"));
          await pause(10);
          await tx.audit.insert(mark("a2"));
        }),
        store().transaction(async (tx) => {
          await tx.audit.insert(mark("b"));
          await pause(5);
          throw new Error("b fails");
        }),
        store().transaction(async (tx) => {
          await pause(1);
          await tx.audit.insert(mark("c"));
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(await kinds(store())).toEqual(["a", "a2", "c"]);
    });

    it("serialises read-then-write transactions on one row", async () => {
      const user = await aUser(store(), { bio: "0" });
      const increment = () =>
        store().transaction(async (tx) => {
          const current = Number((await tx.users.byId(user.id))!.bio);
          await pause(5);
          await tx.users.update(user.id, { bio: String(current + 1), updatedAt: T0 });
        });
      await Promise.all([increment(), increment(), increment()]);
      expect((await store().users.byId(user.id))?.bio).toBe("3");
    });

  });

  describe("batch", () => {
    const store = useStore(engine);

    it("keeps every write and returns the body's value", async () => {
      const id = await store().batch(async (b) => {
        const user = await b.users.create(newUser({ email: "ana@example.com" }), null);
        await b.limits.hit("k", 1, 60_000, T0);
        // The batch reads its own writes.
        expect((await b.users.byEmail("ana@example.com"))?.id).toBe(user.id);
        return user.id;
      });
      expect((await store().users.byEmail("ana@example.com"))?.id).toBe(id);
      expect((await store().limits.peek("k"))?.count).toBe(1);
    });

    it("keeps the writes made before the body threw, as if each had been committed alone, and rethrows", async () => {
      const refused = new Error("refused");
      const err = await rejectionOf(
        store().batch(async (b) => {
          await b.limits.hit("k", 1, 60_000, T0);
          await b.audit.insert(mark("refused"));
          await pause();
          throw refused;
        }),
      );
      expect(err).toBe(refused);
      expect((await store().limits.peek("k"))?.count).toBe(1);
      expect(await kinds(store())).toEqual(["refused"]);
    });

    it("undoes only a transaction inside it that throws", async () => {
      const err = await rejectionOf(
        store().batch(async (b) => {
          await b.limits.hit("kept", 1, 60_000, T0);
          await rejectionOf(
            b.transaction(async (tx) => {
              await tx.limits.hit("undone", 1, 60_000, T0);
              throw new Error("inner");
            }),
          );
          await b.transaction(async (tx) => {
            await tx.audit.insert(mark("inner-committed"));
          });
          await b.transaction(async (tx) => {
            await tx.limits.hit("undone-too", 1, 60_000, T0);
            throw new Error("last");
          });
        }),
      );
      expect((err as Error).message).toBe("last");
      expect((await store().limits.peek("kept"))?.count).toBe(1);
      expect(await store().limits.peek("undone")).toBeUndefined();
      expect(await store().limits.peek("undone-too")).toBeUndefined();
      expect(await kinds(store())).toEqual(["inner-committed"]);
    });

    it("inside a transaction is that transaction's work: undone with it", async () => {
      await rejectionOf(
        store().transaction(async (tx) => {
          await tx.batch(async (b) => {
            await b.limits.hit("k", 1, 60_000, T0);
          });
          throw new Error("outer");
        }),
      );
      expect(await store().limits.peek("k")).toBeUndefined();
    });

    it("runs beside other callers: none of their work is lost or taken into the batch", async () => {
      const results = await Promise.allSettled([
        store().batch(async (b) => {
          await b.limits.hit("k", 1, 60_000, T0);
          await pause(10);
          throw new Error("batch refused");
        }),
        store().limits.hit("k", 1, 60_000, T0),
        store().transaction(async (tx) => {
          await tx.audit.insert(mark("other"));
          throw new Error("other fails");
        }),
        store().audit.insert(mark("alone")),
      ]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "rejected", "fulfilled"]);
      expect((await store().limits.peek("k"))?.count).toBe(2);
      expect(await kinds(store())).toEqual(["alone"]);
    });
  });
}
