import { describe, expect, it } from "vitest";
import { REDACTED, type PurgeCutoffs } from "../store";
import { aUser, newChallenge, newMessage, newPasskey, newSession, newToken, newTotp, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

const NOW = T0 + 10 * 86_400_000;
const cutoffs: PurgeCutoffs = {
  now: NOW,
  graceCutoff: NOW - 3_600_000,
  limitCutoff: NOW - 2 * 86_400_000,
  outboxCutoff: NOW - 7 * 86_400_000,
  auditCutoff: NOW - 5 * 86_400_000,
  enrolmentCutoff: NOW - 86_400_000,
  codeMs: 600_000,
  linkMs: 1_800_000,
  redacted: REDACTED,
};

export function maintenanceConformance(engine: ConformanceEngine) {
  describe("maintenance.purge", () => {
    const store = useStore(engine);
    const purge = (step: Parameters<ReturnType<typeof store>["maintenance"]["purge"]>[0], batch = 100, c = cutoffs) =>
      store().maintenance.purge(step, c, batch);

    it("drops the payload of expired sign-ups only, a batch at a time", async () => {
      const payload = { passwordHash: "h" };
      const expired = [];
      for (let i = 0; i < 3; i++) expired.push(await store().challenges.insert(newChallenge({ purpose: "signup", payload, expiresAt: NOW - i })));
      const live = await store().challenges.insert(newChallenge({ purpose: "signup", payload, expiresAt: NOW + 1 }));
      const login = await store().challenges.insert(newChallenge({ purpose: "login", payload, expiresAt: NOW - 1 }));
      expect(await purge("signupPayloads", 2)).toBe(2);
      expect(await purge("signupPayloads", 2)).toBe(1);
      expect(await purge("signupPayloads", 2)).toBe(0);
      for (const c of expired) expect((await store().challenges.byId(c.id))?.payload).toBeNull();
      expect((await store().challenges.byId(live.id))?.payload).toEqual(payload);
      expect((await store().challenges.byId(login.id))?.payload).toEqual(payload);
    });

    it("deletes enrolments never confirmed, made before the cutoff; confirmed factors of any age stay", async () => {
      const user = await aUser(store());
      const old = await store().factors.insert(newTotp(user.id, { createdAt: cutoffs.enrolmentCutoff }));
      const recent = await store().factors.insert(newTotp(user.id, { createdAt: cutoffs.enrolmentCutoff + 1 }));
      const confirmed = await store().factors.insert(newTotp(user.id, { createdAt: T0, confirmedAt: T0 + 1 }));
      const passkey = await store().factors.insert(newPasskey(user.id, { createdAt: T0, confirmedAt: T0 }));
      expect(await purge("unconfirmedFactors")).toBe(1);
      expect(await store().factors.byId(old.id)).toBeUndefined();
      for (const kept of [recent, confirmed, passkey]) expect(await store().factors.byId(kept.id)).toBeDefined();
    });

    it("deletes challenges expired before the grace cutoff", async () => {
      const old = await store().challenges.insert(newChallenge({ expiresAt: cutoffs.graceCutoff }));
      const recent = await store().challenges.insert(newChallenge({ expiresAt: cutoffs.graceCutoff + 1 }));
      expect(await purge("challenges")).toBe(1);
      expect(await store().challenges.byId(old.id)).toBeUndefined();
      expect(await store().challenges.byId(recent.id)).toBeDefined();
    });

    it("deletes opaque tokens expired before the grace cutoff", async () => {
      const user = await aUser(store());
      const old = newToken(user.id, { expiresAt: cutoffs.graceCutoff });
      const recent = newToken(user.id, { expiresAt: cutoffs.graceCutoff + 1 });
      await store().tokens.insert(old);
      await store().tokens.insert(recent);
      expect(await purge("opaqueTokens")).toBe(1);
      expect(await store().tokens.byHash(old.tokenHash)).toBeUndefined();
      expect(await store().tokens.byHash(recent.tokenHash)).toBeDefined();
    });

    it("deletes sessions expired before the grace cutoff, with their tokens", async () => {
      const user = await aUser(store());
      const old = await store().sessions.insert(newSession(user.id, { expiresAt: cutoffs.graceCutoff }));
      const recent = await store().sessions.insert(newSession(user.id, { expiresAt: cutoffs.graceCutoff + 1 }));
      const token = newToken(user.id, { sessionId: old.id, expiresAt: NOW + 1 });
      await store().tokens.insert(token);
      expect(await purge("sessions")).toBe(1);
      expect(await store().sessions.byId(old.id)).toBeUndefined();
      expect(await store().tokens.byHash(token.tokenHash)).toBeUndefined();
      expect(await store().sessions.byId(recent.id)).toBeDefined();
    });

    it("deletes limit buckets whose window began before the cutoff", async () => {
      await store().limits.hit("old", 1, 1000, cutoffs.limitCutoff);
      await store().limits.hit("recent", 1, 1000, cutoffs.limitCutoff + 1);
      expect(await purge("rateLimits")).toBe(1);
      expect(await store().limits.peek("old")).toBeUndefined();
      expect(await store().limits.peek("recent")).toEqual({ count: 1, windowStart: cutoffs.limitCutoff + 1 });
    });

    it("redacts settled messages once their code or link can no longer be used", async () => {
      const usedCode = await store().challenges.insert(newChallenge({ expiresAt: NOW + 60_000 }));
      await store().challenges.consume(usedCode.id, NOW - 1);
      const liveCode = await store().challenges.insert(newChallenge({ expiresAt: NOW + 60_000 }));
      const expiredCode = await store().challenges.insert(newChallenge({ expiresAt: NOW }));
      const sent = async (to: string, m: Partial<Parameters<typeof newMessage>[0]> = {}) => {
        const row = await store().outbox.insertClaimed(newMessage({ to, ...m }), NOW);
        await store().outbox.markSent(row.id, 1, NOW - 1, false);
        return row.id;
      };
      await sent("a@x", { createdAt: NOW - cutoffs.codeMs });
      await sent("b@x", { createdAt: NOW - cutoffs.codeMs + 1 });
      await sent("c@x", { challengeId: usedCode.id, createdAt: NOW - 1 });
      await sent("d@x", { challengeId: liveCode.id, createdAt: NOW - 1 });
      await sent("e@x", { challengeId: expiredCode.id, createdAt: NOW - 1 });
      await sent("f@x", { challengeId: "deleted-long-ago", createdAt: NOW - 1 });
      await sent("g@x", { purpose: "password_reset", code: null, createdAt: NOW - cutoffs.linkMs + 1 });
      await sent("h@x", { purpose: "password_reset", code: null, createdAt: NOW - cutoffs.linkMs });
      const retrying = await store().outbox.insertClaimed(newMessage({ to: "i@x", createdAt: T0 }), NOW);
      await store().outbox.markFailed(retrying.id, 1, "down", NOW + 5_000);
      const sending = await store().outbox.insertClaimed(newMessage({ to: "j@x", createdAt: T0 }), NOW + 5_000);
      expect(await purge("outboxRedacted")).toBe(5);
      // Nothing left to redact: a second pass changes nothing.
      expect(await purge("outboxRedacted")).toBe(0);
      const byTo = Object.fromEntries((await store().outbox.list(undefined, 100)).map((r) => [r.to, r]));
      const isRedacted = (to: string) => byTo[to]!.text === REDACTED && byTo[to]!.code === null && byTo[to]!.html === REDACTED;
      expect({
        oldNoChallenge: isRedacted("a@x"),
        recentNoChallenge: isRedacted("b@x"),
        usedChallenge: isRedacted("c@x"),
        liveChallenge: isRedacted("d@x"),
        expiredChallenge: isRedacted("e@x"),
        goneChallenge: isRedacted("f@x"),
        recentResetLink: isRedacted("g@x"),
        oldResetLink: isRedacted("h@x"),
        retrying: isRedacted("i@x"),
        sending: isRedacted("j@x"),
      }).toEqual({
        oldNoChallenge: true,
        recentNoChallenge: false,
        usedChallenge: true,
        liveChallenge: false,
        expiredChallenge: true,
        goneChallenge: true,
        recentResetLink: false,
        oldResetLink: true,
        retrying: false,
        sending: false,
      });
      expect(byTo["i@x"]!.id).toBe(retrying.id);
      expect(byTo["j@x"]!.id).toBe(sending.id);
    });

    it("deletes settled messages created before the outbox cutoff, never one still to send", async () => {
      const old = cutoffs.outboxCutoff;
      const sent = await store().outbox.insertClaimed(newMessage({ to: "a@x", createdAt: old }), NOW);
      await store().outbox.markSent(sent.id, 1, old, false);
      const givenUp = await store().outbox.insertClaimed(newMessage({ to: "b@x", createdAt: old }), NOW);
      await store().outbox.markFailed(givenUp.id, 5, "down", null);
      const retrying = await store().outbox.insertClaimed(newMessage({ to: "c@x", createdAt: old }), NOW);
      await store().outbox.markFailed(retrying.id, 1, "down", NOW + 1);
      await store().outbox.insertClaimed(newMessage({ to: "d@x", createdAt: old }), NOW + 1);
      const recent = await store().outbox.insertClaimed(newMessage({ to: "e@x", createdAt: old + 1 }), NOW);
      await store().outbox.markSent(recent.id, 1, NOW, false);
      expect(await purge("outboxDeleted")).toBe(2);
      expect((await store().outbox.list(undefined, 100)).map((r) => r.to).sort()).toEqual(["c@x", "d@x", "e@x"]);
    });

    it("deletes audit events before the cutoff, and none without one", async () => {
      await store().audit.insert({ at: cutoffs.auditCutoff!, userId: null, kind: "login", outcome: "ok", ip: null, userAgent: null, detail: null });
      await store().audit.insert({ at: cutoffs.auditCutoff! + 1, userId: null, kind: "logout", outcome: "ok", ip: null, userAgent: null, detail: null });
      expect(await purge("auditEvents", 100, { ...cutoffs, auditCutoff: null })).toBe(0);
      expect(await store().audit.list({ limit: 10 })).toHaveLength(2);
      expect(await purge("auditEvents")).toBe(1);
      expect((await store().audit.list({ limit: 10 })).map((e) => e.kind)).toEqual(["logout"]);
    });
  });
}
