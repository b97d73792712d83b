import { describe, expect, it } from "vitest";
import { LIVE_CHALLENGES_READ } from "../store";
import { aUser, newChallenge, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

export function challengeConformance(engine: ConformanceEngine) {
  describe("challenges", () => {
    const store = useStore(engine);

    it("inserts a live challenge and reads it back as written", async () => {
      const user = await aUser(store());
      const input = newChallenge({ userId: user.id, payload: { email: "ana@example.com", passwordHash: "h", nested: { a: [1, 2] } } });
      const inserted = await store().challenges.insert(input);
      expect(inserted).toEqual({ ...input, consumedAt: null, supersededAt: null });
      expect(await store().challenges.byId(input.id)).toEqual(inserted);
      expect(await store().challenges.byId("no-such-id")).toBeUndefined();
    });

    it("keeps a null payload null", async () => {
      const c = await store().challenges.insert(newChallenge({ payload: null }));
      expect((await store().challenges.byId(c.id))?.payload).toBeNull();
    });

    it("finds the newest for a purpose and destination, live or not", async () => {
      const older = await store().challenges.insert(newChallenge({ createdAt: T0 }));
      const newer = await store().challenges.insert(newChallenge({ createdAt: T0 + 10 }));
      await store().challenges.insert(newChallenge({ createdAt: T0 + 20, purpose: "signup" }));
      await store().challenges.insert(newChallenge({ createdAt: T0 + 20, destination: "bob@example.com" }));
      expect((await store().challenges.latest("login", "ana@example.com"))?.id).toBe(newer.id);
      await store().challenges.consume(newer.id, T0 + 30);
      expect((await store().challenges.latest("login", "ana@example.com"))?.id).toBe(newer.id);
      expect((await store().challenges.latest("login", "ana@example.com"))?.consumedAt).toBe(T0 + 30);
      expect(older.id).not.toBe(newer.id);
      expect(await store().challenges.latest("pin_reset", "ana@example.com")).toBeUndefined();
    });

    it("prefers the code that replaced another in the same millisecond", async () => {
      // A frozen clock issues two codes at one instant: the second supersedes the first and must be the latest.
      const first = await store().challenges.insert(newChallenge({ createdAt: T0 }));
      await store().challenges.supersedeLive("login", "ana@example.com", T0);
      const second = await store().challenges.insert(newChallenge({ createdAt: T0 }));
      expect((await store().challenges.latest("login", "ana@example.com"))?.id).toBe(second.id);
      expect((await store().challenges.byId(first.id))?.supersededAt).toBe(T0);
    });

    it("supersedes only the live ones of that purpose and destination", async () => {
      const live = await store().challenges.insert(newChallenge());
      const used = await store().challenges.insert(newChallenge());
      await store().challenges.consume(used.id, T0 + 1);
      const otherPurpose = await store().challenges.insert(newChallenge({ purpose: "verify_email" }));
      const otherDestination = await store().challenges.insert(newChallenge({ destination: "bob@example.com" }));
      await store().challenges.supersedeLive("login", "ana@example.com", T0 + 2);
      expect((await store().challenges.byId(live.id))?.supersededAt).toBe(T0 + 2);
      expect(await store().challenges.byId(used.id)).toMatchObject({ consumedAt: T0 + 1, supersededAt: null });
      expect((await store().challenges.byId(otherPurpose.id))?.supersededAt).toBeNull();
      expect((await store().challenges.byId(otherDestination.id))?.supersededAt).toBeNull();
      // Already replaced: the first replacement time stays.
      await store().challenges.supersedeLive("login", "ana@example.com", T0 + 3);
      expect((await store().challenges.byId(live.id))?.supersededAt).toBe(T0 + 2);
    });

    it("finds the newest one a requester asked for, live or not", async () => {
      const mine = await store().challenges.insert(newChallenge({ createdAt: T0, requester: "ip:a" }));
      await store().challenges.insert(newChallenge({ createdAt: T0 + 10, requester: "ip:b" }));
      await store().challenges.insert(newChallenge({ createdAt: T0 + 20, requester: "ip:a", destination: "bob@example.com" }));
      expect((await store().challenges.latestFrom("login", "ana@example.com", "ip:a"))?.id).toBe(mine.id);
      await store().challenges.consume(mine.id, T0 + 30);
      expect((await store().challenges.latestFrom("login", "ana@example.com", "ip:a"))?.consumedAt).toBe(T0 + 30);
      expect(await store().challenges.latestFrom("login", "ana@example.com", "ip:c")).toBeUndefined();
      expect(await store().challenges.latestFrom("signup", "ana@example.com", "ip:a")).toBeUndefined();
    });

    it("lists the live ones of a purpose and destination, newest first, expired included, at most LIVE_CHALLENGES_READ", async () => {
      const expired = await store().challenges.insert(newChallenge({ createdAt: T0, expiresAt: T0 + 1 }));
      const a = await store().challenges.insert(newChallenge({ createdAt: T0 + 10, requester: "ip:a" }));
      const b = await store().challenges.insert(newChallenge({ createdAt: T0 + 20, requester: "ip:b" }));
      const used = await store().challenges.insert(newChallenge({ createdAt: T0 + 30 }));
      await store().challenges.consume(used.id, T0 + 31);
      await store().challenges.insert(newChallenge({ createdAt: T0 + 40, purpose: "signup" }));
      await store().challenges.insert(newChallenge({ createdAt: T0 + 40, destination: "bob@example.com" }));
      expect((await store().challenges.live("login", "ana@example.com")).map((c) => c.id)).toEqual([b.id, a.id, expired.id]);
      for (let i = 0; i < LIVE_CHALLENGES_READ; i++) await store().challenges.insert(newChallenge({ createdAt: T0 + 100 + i }));
      const many = await store().challenges.live("login", "ana@example.com");
      expect(many).toHaveLength(LIVE_CHALLENGES_READ);
      expect(many[0]!.createdAt).toBe(T0 + 100 + LIVE_CHALLENGES_READ - 1);
      expect(await store().challenges.live("login", "nobody@example.com")).toEqual([]);
    });

    it("supersedes only one requester's live ones when a requester is named", async () => {
      const a = await store().challenges.insert(newChallenge({ requester: "ip:a" }));
      const b = await store().challenges.insert(newChallenge({ requester: "ip:b" }));
      const old = await store().challenges.insert(newChallenge({ requester: null }));
      await store().challenges.supersedeLive("login", "ana@example.com", T0 + 2, "ip:a");
      expect((await store().challenges.byId(a.id))?.supersededAt).toBe(T0 + 2);
      expect((await store().challenges.byId(b.id))?.supersededAt).toBeNull();
      expect((await store().challenges.byId(old.id))?.supersededAt).toBeNull();
    });

    it("supersedes the live ones of a user for a purpose, whatever the destination", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const a1 = await store().challenges.insert(newChallenge({ userId: ana.id, purpose: "password_reset", destination: "ana@example.com" }));
      const a2 = await store().challenges.insert(newChallenge({ userId: ana.id, purpose: "password_reset", destination: "+62811" }));
      const aUsed = await store().challenges.insert(newChallenge({ userId: ana.id, purpose: "password_reset" }));
      await store().challenges.consume(aUsed.id, T0 + 1);
      const aLogin = await store().challenges.insert(newChallenge({ userId: ana.id, purpose: "login" }));
      const b1 = await store().challenges.insert(newChallenge({ userId: bob.id, purpose: "password_reset" }));
      await store().challenges.supersedeLiveOfUser(ana.id, "password_reset", T0 + 5);
      expect((await store().challenges.byId(a1.id))?.supersededAt).toBe(T0 + 5);
      expect((await store().challenges.byId(a2.id))?.supersededAt).toBe(T0 + 5);
      expect((await store().challenges.byId(aUsed.id))?.supersededAt).toBeNull();
      expect((await store().challenges.byId(aLogin.id))?.supersededAt).toBeNull();
      expect((await store().challenges.byId(b1.id))?.supersededAt).toBeNull();
    });

    it("consumes a live challenge once", async () => {
      const c = await store().challenges.insert(newChallenge());
      expect(await store().challenges.consume(c.id, T0 + 1)).toBe(true);
      expect(await store().challenges.consume(c.id, T0 + 2)).toBe(false);
      expect((await store().challenges.byId(c.id))?.consumedAt).toBe(T0 + 1);
      expect(await store().challenges.consume("no-such-id", T0)).toBe(false);
    });

    it("does not consume a superseded challenge", async () => {
      const c = await store().challenges.insert(newChallenge());
      await store().challenges.supersedeLive("login", "ana@example.com", T0 + 1);
      expect(await store().challenges.consume(c.id, T0 + 2)).toBe(false);
      expect((await store().challenges.byId(c.id))?.consumedAt).toBeNull();
    });

    it("gives exactly one true to two concurrent consumes of one code", async () => {
      const c = await store().challenges.insert(newChallenge());
      const results = await Promise.all([store().challenges.consume(c.id, T0 + 1), store().challenges.consume(c.id, T0 + 2)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("spends one try at a time and none once none is left", async () => {
      const c = await store().challenges.insert(newChallenge({ attemptsLeft: 2 }));
      expect(await store().challenges.spendAttempt(c.id)).toBe(1);
      expect(await store().challenges.spendAttempt(c.id)).toBe(0);
      expect(await store().challenges.spendAttempt(c.id)).toBeUndefined();
      expect((await store().challenges.byId(c.id))?.attemptsLeft).toBe(0);
      expect(await store().challenges.spendAttempt("no-such-id")).toBeUndefined();
    });

    it("counts 50 concurrent tries exactly", async () => {
      const c = await store().challenges.insert(newChallenge({ attemptsLeft: 60 }));
      const left = await Promise.all(Array.from({ length: 50 }, () => store().challenges.spendAttempt(c.id)));
      expect(left.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, i) => 10 + i));
      expect((await store().challenges.byId(c.id))?.attemptsLeft).toBe(10);
    });

    it("stops concurrent tries at exactly zero left", async () => {
      const c = await store().challenges.insert(newChallenge({ attemptsLeft: 5 }));
      const left = await Promise.all(Array.from({ length: 50 }, () => store().challenges.spendAttempt(c.id)));
      expect(left.filter((n) => n !== undefined).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(left.filter((n) => n === undefined)).toHaveLength(45);
      expect((await store().challenges.byId(c.id))?.attemptsLeft).toBe(0);
    });

    it("clears the last send time so the cooldown starts over", async () => {
      const c = await store().challenges.insert(newChallenge({ lastSentAt: T0 + 100 }));
      await store().challenges.clearLastSent(c.id);
      expect(await store().challenges.byId(c.id)).toEqual({ ...c, lastSentAt: 0 });
    });

    it("supersedes one live challenge by id, dropping its payload, and leaves the others live", async () => {
      const payload = { email: "ana@example.com", passwordHash: "secret-hash" };
      const a = await store().challenges.insert(newChallenge({ purpose: "signup", payload }));
      const b = await store().challenges.insert(newChallenge({ purpose: "signup", payload }));
      expect(await store().challenges.supersede(a.id, T0 + 5)).toBe(true);
      expect(await store().challenges.byId(a.id)).toEqual({ ...a, supersededAt: T0 + 5, payload: null });
      expect(await store().challenges.byId(b.id)).toEqual(b);
      expect(await store().challenges.supersede(a.id, T0 + 6), "no longer live").toBe(false);
      expect(await store().challenges.consume(b.id, T0 + 7)).toBe(true);
      expect(await store().challenges.supersede(b.id, T0 + 8), "a consumed one stays consumed").toBe(false);
      expect((await store().challenges.byId(b.id))?.supersededAt).toBeNull();
    });

    it("drops the payloads of the sign-ups to a destination but the one kept", async () => {
      const payload = { email: "ana@example.com", passwordHash: "secret-hash" };
      const a = await store().challenges.insert(newChallenge({ purpose: "signup", payload }));
      const b = await store().challenges.insert(newChallenge({ purpose: "signup", payload }));
      const other = await store().challenges.insert(newChallenge({ purpose: "signup", destination: "bob@example.com", payload }));
      const notSignup = await store().challenges.insert(newChallenge({ purpose: "login", payload }));
      await store().challenges.dropSignupPayloads("ana@example.com", b.id);
      expect((await store().challenges.byId(a.id))?.payload).toBeNull();
      expect((await store().challenges.byId(b.id))?.payload).toEqual(payload);
      expect((await store().challenges.byId(other.id))?.payload).toEqual(payload);
      expect((await store().challenges.byId(notSignup.id))?.payload).toEqual(payload);
      await store().challenges.dropSignupPayloads("ana@example.com");
      expect((await store().challenges.byId(b.id))?.payload).toBeNull();
    });
  });
}
