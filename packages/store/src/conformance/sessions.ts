import { describe, expect, it } from "vitest";
import { aUser, newSession, newToken, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

export function sessionConformance(engine: ConformanceEngine) {
  describe("sessions", () => {
    const store = useStore(engine);

    it("inserts a session at generation 0, unrevoked, and reads it back", async () => {
      const user = await aUser(store());
      const input = newSession(user.id, { userAgent: null, ip: null });
      const session = await store().sessions.insert(input);
      expect(session).toEqual({ ...input, generation: 0, revokedAt: null, revokedReason: null });
      expect(await store().sessions.byId(input.id)).toEqual(session);
      expect(await store().sessions.byId("no-such-session")).toBeUndefined();
    });

    it("reads a session with its user in one call", async () => {
      const user = await aUser(store());
      const other = await aUser(store());
      const session = await store().sessions.insert(newSession(user.id));
      await store().sessions.insert(newSession(other.id));
      expect(await store().sessions.byIdWithUser(session.id)).toEqual({ session, user: await store().users.byId(user.id) });
      expect(await store().sessions.byIdWithUser("no-such-session")).toBeUndefined();
    });

    it("records use and proof of identity", async () => {
      const user = await aUser(store());
      const s = await store().sessions.insert(newSession(user.id));
      await store().sessions.touch(s.id, T0 + 60_000);
      await store().sessions.markAuthenticated(s.id, T0 + 70_000);
      expect(await store().sessions.byId(s.id)).toEqual({ ...s, lastUsedAt: T0 + 60_000, authenticatedAt: T0 + 70_000 });
    });

    it("advances the generation only from the current one", async () => {
      const user = await aUser(store());
      const s = await store().sessions.insert(newSession(user.id));
      expect(await store().sessions.advanceGeneration(s.id, 0, T0 + 1)).toBe(true);
      expect(await store().sessions.byId(s.id)).toMatchObject({ generation: 1, lastUsedAt: T0 + 1 });
      expect(await store().sessions.advanceGeneration(s.id, 0, T0 + 2)).toBe(false);
      expect(await store().sessions.advanceGeneration(s.id, 1, T0 + 3)).toBe(true);
      expect(await store().sessions.byId(s.id)).toMatchObject({ generation: 2, lastUsedAt: T0 + 3 });
      expect(await store().sessions.advanceGeneration("no-such-session", 0, T0)).toBe(false);
    });

    it("gives exactly one true to two concurrent renewals from one generation", async () => {
      const user = await aUser(store());
      const s = await store().sessions.insert(newSession(user.id));
      const results = await Promise.all([
        store().sessions.advanceGeneration(s.id, 0, T0 + 1),
        store().sessions.advanceGeneration(s.id, 0, T0 + 1),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store().sessions.byId(s.id))?.generation).toBe(1);
    });

    it("revokes once, keeping the first time and reason", async () => {
      const user = await aUser(store());
      const s = await store().sessions.insert(newSession(user.id));
      const results = await Promise.all([store().sessions.revoke(s.id, T0 + 1, "logout"), store().sessions.revoke(s.id, T0 + 2, "reuse")]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const revoked = await store().sessions.byId(s.id);
      expect([revoked?.revokedAt, revoked?.revokedReason]).toEqual(results[0] ? [T0 + 1, "logout"] : [T0 + 2, "reuse"]);
      expect(await store().sessions.revoke(s.id, T0 + 3, "again")).toBe(false);
      expect(await store().sessions.revoke("no-such-session", T0, "x")).toBe(false);
    });

    it("revokes every unrevoked session of the user but one, and counts them", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const keep = await store().sessions.insert(newSession(ana.id));
      const a1 = await store().sessions.insert(newSession(ana.id));
      const a2 = await store().sessions.insert(newSession(ana.id));
      const gone = await store().sessions.insert(newSession(ana.id));
      await store().sessions.revoke(gone.id, T0 + 1, "logout");
      const b = await store().sessions.insert(newSession(bob.id));
      expect(await store().sessions.revokeAllOfUser(ana.id, T0 + 5, "password_changed", keep.id)).toBe(2);
      expect(await store().sessions.byId(a1.id)).toMatchObject({ revokedAt: T0 + 5, revokedReason: "password_changed" });
      expect(await store().sessions.byId(a2.id)).toMatchObject({ revokedAt: T0 + 5, revokedReason: "password_changed" });
      expect(await store().sessions.byId(gone.id)).toMatchObject({ revokedAt: T0 + 1, revokedReason: "logout" });
      expect((await store().sessions.byId(keep.id))?.revokedAt).toBeNull();
      expect((await store().sessions.byId(b.id))?.revokedAt).toBeNull();
      expect(await store().sessions.revokeAllOfUser(ana.id, T0 + 6, "all")).toBe(1);
      expect((await store().sessions.byId(keep.id))?.revokedReason).toBe("all");
      expect(await store().sessions.revokeAllOfUser(ana.id, T0 + 7, "all")).toBe(0);
    });

    it("lists the unrevoked sessions of the user, most recently used first, expired ones included", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const old = await store().sessions.insert(newSession(ana.id, { lastUsedAt: T0 + 1 }));
      const recent = await store().sessions.insert(newSession(ana.id, { lastUsedAt: T0 + 3 }));
      const expired = await store().sessions.insert(newSession(ana.id, { lastUsedAt: T0 + 2, expiresAt: T0 - 1 }));
      const revoked = await store().sessions.insert(newSession(ana.id, { lastUsedAt: T0 + 4 }));
      await store().sessions.revoke(revoked.id, T0 + 5, "logout");
      await store().sessions.insert(newSession(bob.id, { lastUsedAt: T0 + 9 }));
      expect((await store().sessions.listUnrevoked(ana.id)).map((s) => s.id)).toEqual([recent.id, expired.id, old.id]);
      expect(await store().sessions.listUnrevoked(ana.id + bob.id + 100)).toEqual([]);
    });
  });

  describe("opaque tokens", () => {
    const store = useStore(engine);

    it("stores a token by its hash and reads it back, used or not", async () => {
      const user = await aUser(store());
      const s = await store().sessions.insert(newSession(user.id));
      const input = newToken(user.id, { sessionId: s.id, kind: "cookie" });
      await store().tokens.insert(input);
      const row = await store().tokens.byHash(input.tokenHash);
      expect(row).toEqual({ ...input, id: expect.any(Number), usedAt: null });
      expect(await store().tokens.use(row!.id, T0 + 1)).toBe(true);
      expect(await store().tokens.byHash(input.tokenHash)).toEqual({ ...row, usedAt: T0 + 1 });
      expect(await store().tokens.byHash("no-such-hash")).toBeUndefined();
    });

    it("uses a token once, even when two requests race", async () => {
      const user = await aUser(store());
      const input = newToken(user.id, { kind: "password_reset" });
      await store().tokens.insert(input);
      const row = (await store().tokens.byHash(input.tokenHash))!;
      const results = await Promise.all([store().tokens.use(row.id, T0 + 1), store().tokens.use(row.id, T0 + 2)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store().tokens.use(row.id, T0 + 3)).toBe(false);
    });

    it("uses every unused token of one kind of the user", async () => {
      const ana = await aUser(store());
      const bob = await aUser(store());
      const r1 = newToken(ana.id, { kind: "password_reset" });
      const r2 = newToken(ana.id, { kind: "password_reset" });
      const bearer = newToken(ana.id, { kind: "bearer" });
      const bobs = newToken(bob.id, { kind: "password_reset" });
      for (const t of [r1, r2, bearer, bobs]) await store().tokens.insert(t);
      await store().tokens.use((await store().tokens.byHash(r1.tokenHash))!.id, T0 + 1);
      await store().tokens.useAllOfUser(ana.id, "password_reset", T0 + 5);
      expect((await store().tokens.byHash(r1.tokenHash))?.usedAt).toBe(T0 + 1);
      expect((await store().tokens.byHash(r2.tokenHash))?.usedAt).toBe(T0 + 5);
      expect((await store().tokens.byHash(bearer.tokenHash))?.usedAt).toBeNull();
      expect((await store().tokens.byHash(bobs.tokenHash))?.usedAt).toBeNull();
    });
  });
}
