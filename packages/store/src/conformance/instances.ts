import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UniqueConflict, type Store } from "../store";
import { aUser, newChallenge, newMessage, newSession, newUser, T0 } from "./fixtures";
import type { ConformanceEngine } from "./index";

/** Two stores on one database for each test, as two instances of the service would open it. */
export function useTwoStores(openTwo: () => Promise<[Store, Store]>): () => [Store, Store] {
  let stores: [Store, Store] | undefined;
  beforeEach(async () => {
    stores = await openTwo();
  });
  afterEach(async () => {
    await Promise.all(stores?.map((s) => s.close()) ?? []);
    stores = undefined;
  });
  return () => {
    if (!stores) throw new Error("no stores outside a test");
    return stores;
  };
}

/**
 * Races between two instances on one database: each store has connections of its own, so
 * the database (not one process's scheduling) decides who wins. Declared when the engine
 * can open two stores on one database.
 */
export function instanceConformance(engine: ConformanceEngine) {
  const openTwo = engine.openTwo;
  describe.skipIf(!openTwo)("two instances on one database", () => {
    const both = useTwoStores(openTwo!);

    it("count 100 concurrent hits of one limit exactly, and start a new window in the same step", async () => {
      const [a, b] = both();
      const hits = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).limits.hit("k:concurrent", 1, 60_000, T0)));
      expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await a.limits.peek("k:concurrent")).toEqual({ count: 100, windowStart: T0 });
      expect(await b.limits.hit("k:concurrent", 1, 60_000, T0 + 60_000)).toEqual({ count: 1, windowStart: T0 + 60_000 });
    });

    it("consume a code once when they race for it", async () => {
      const [a, b] = both();
      const c = await a.challenges.insert(newChallenge());
      const results = await Promise.all([a.challenges.consume(c.id, T0 + 1), b.challenges.consume(c.id, T0 + 2)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("give two concurrent sign-ups of one email one account and one UniqueConflict on email", async () => {
      const [a, b] = both();
      const email = "race@example.com";
      const results = await Promise.allSettled([a.users.create(newUser({ email }), null), b.users.create(newUser({ email }), null)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toBeInstanceOf(UniqueConflict);
      expect(rejected[0]!.reason.field).toBe("email");
    });

    it("renew a session generation once and revoke it once under a race", async () => {
      const [a, b] = both();
      const user = await aUser(a);
      const s = await a.sessions.insert(newSession(user.id));
      expect(s).toMatchObject({ generation: 0, revokedAt: null });
      const advanced = await Promise.all([a.sessions.advanceGeneration(s.id, 0, T0 + 1), b.sessions.advanceGeneration(s.id, 0, T0 + 1)]);
      expect(advanced.filter(Boolean)).toHaveLength(1);
      const revoked = await Promise.all([a.sessions.revoke(s.id, T0 + 2, "token_reuse"), b.sessions.revoke(s.id, T0 + 3, "token_reuse")]);
      expect(revoked.filter(Boolean)).toHaveLength(1);
      expect(await b.sessions.byId(s.id)).toMatchObject({ generation: 1, revokedReason: "token_reuse" });
    });

    it("give each due message to one of them claiming at once, and a lapsed claim to the next", async () => {
      const [a, b] = both();
      const to = "claim@example.com";
      const ids: number[] = [];
      for (let i = 0; i < 30; i++) ids.push((await a.outbox.insertClaimed(newMessage({ to }), T0)).id);
      const drain = async (s: Store) => {
        const got: number[] = [];
        for (let batch = await s.outbox.claimDue(T0, T0 + 30_000, 4); batch.length; batch = await s.outbox.claimDue(T0, T0 + 30_000, 4)) {
          got.push(...batch.map((m) => m.id));
        }
        return got;
      };
      const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
      expect([...fromA, ...fromB].sort((x, y) => x - y)).toEqual(ids);
      expect((await a.outbox.list(to, 100)).every((m) => m.status === "sending" && m.nextAttemptAt === T0 + 30_000)).toBe(true);
      expect(await b.outbox.claimDue(T0 + 29_999, T0 + 60_000, 100)).toEqual([]);
      expect(await b.outbox.claimDue(T0 + 30_000, T0 + 60_000, 100)).toHaveLength(30);
    });

    describe.skipIf(!engine.transactionsWaitAcrossInstances)("with transactions open in both at once", () => {
      it("run 50 concurrent transactions spending tries of one code without a failure, counting each", async () => {
        const [a, b] = both();
        const c = await a.challenges.insert(newChallenge({ attemptsLeft: 100 }));
        const key = `code-fail:${c.id}`;
        const counts = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 ? a : b).transaction(async (tx) => {
              await tx.limits.peek(key);
              const live = await tx.challenges.byId(c.id);
              await tx.challenges.spendAttempt(live!.id);
              const bucket = await tx.limits.hit(key, 1, 60_000, T0);
              await tx.audit.insert({ at: T0, userId: null, kind: "code_failed", outcome: "fail", ip: null, userAgent: null, detail: { key } });
              return bucket.count;
            }),
          ),
        );
        expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect((await a.challenges.byId(c.id))!.attemptsLeft).toBe(50);
      });

      it("make a body that reads a row and then writes it wait for another such body", async () => {
        const [a, b] = both();
        const user = await a.users.create(newUser({ fullName: "0" }), null);
        const increment = (s: Store) =>
          s.transaction(async (tx) => {
            const seen = Number((await tx.users.byId(user.id))!.fullName);
            await new Promise((r) => setTimeout(r, 5));
            await tx.users.update(user.id, { fullName: String(seen + 1) });
          });
        await Promise.all([increment(a), increment(b), increment(a), increment(b)]);
        expect((await a.users.byId(user.id))!.fullName).toBe("4");
      });
    });
  });
}
