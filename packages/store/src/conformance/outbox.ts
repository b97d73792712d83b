import { describe, expect, it } from "vitest";
import { REDACTED } from "../store";
import { newMessage, T0, useStore } from "./fixtures";
import type { ConformanceEngine } from "./index";

const LEASE = 30_000;

export function outboxConformance(engine: ConformanceEngine) {
  describe("outbox", () => {
    const store = useStore(engine);

    it("writes a message claimed by its writer until the lease ends", async () => {
      const m = newMessage({ challengeId: "ch-1" });
      const row = await store().outbox.insertClaimed(m, T0 + LEASE);
      expect(row).toEqual({ ...m, id: expect.any(Number), status: "sending", attempts: 0, error: null, nextAttemptAt: T0 + LEASE, sentAt: null });
      expect(await store().outbox.list(undefined, 10)).toEqual([row]);
    });

    it("claims no message whose claim still runs, and one whose claim lapsed", async () => {
      const row = await store().outbox.insertClaimed(newMessage(), T0 + LEASE);
      expect(await store().outbox.claimDue(T0 + LEASE - 1, T0 + 2 * LEASE, 10)).toEqual([]);
      const claimed = await store().outbox.claimDue(T0 + LEASE, T0 + 3 * LEASE, 10);
      expect(claimed).toEqual([{ ...row, nextAttemptAt: T0 + 3 * LEASE }]);
      expect(await store().outbox.list(undefined, 10)).toEqual(claimed);
    });

    it("claims a failed message once its retry is due, never a settled one", async () => {
      const retryDue = await store().outbox.insertClaimed(newMessage({ to: "a@example.com" }), T0 + LEASE);
      const retryLater = await store().outbox.insertClaimed(newMessage({ to: "b@example.com" }), T0 + LEASE);
      const givenUp = await store().outbox.insertClaimed(newMessage({ to: "c@example.com" }), T0 + LEASE);
      const sent = await store().outbox.insertClaimed(newMessage({ to: "d@example.com" }), T0 + LEASE);
      await store().outbox.markFailed(retryDue.id, 1, "provider down", T0 + 5_000);
      await store().outbox.markFailed(retryLater.id, 1, "provider down", T0 + 50_000);
      await store().outbox.markFailed(givenUp.id, 5, "provider down", null);
      await store().outbox.markSent(sent.id, 1, T0 + 1, false);
      const claimed = await store().outbox.claimDue(T0 + 5_000, T0 + 5_000 + LEASE, 10);
      expect(claimed).toEqual([
        { ...retryDue, status: "sending", attempts: 1, error: "provider down", nextAttemptAt: T0 + 5_000 + LEASE },
      ]);
    });

    it("claims the oldest first, up to the limit", async () => {
      const rows = [];
      for (let i = 0; i < 5; i++) rows.push(await store().outbox.insertClaimed(newMessage({ to: `u${i}@example.com` }), T0));
      const first = await store().outbox.claimDue(T0, T0 + LEASE, 3);
      expect(first.map((r) => r.id)).toEqual(rows.slice(0, 3).map((r) => r.id));
      const rest = await store().outbox.claimDue(T0, T0 + LEASE, 3);
      expect(rest.map((r) => r.id)).toEqual(rows.slice(3).map((r) => r.id));
    });

    it("never gives one message to two concurrent claimers", async () => {
      const ids = [];
      for (let i = 0; i < 20; i++) ids.push((await store().outbox.insertClaimed(newMessage({ to: `u${i}@example.com` }), T0)).id);
      const [a, b] = await Promise.all([store().outbox.claimDue(T0, T0 + LEASE, 20), store().outbox.claimDue(T0, T0 + LEASE, 20)]);
      const claimedIds = [...a!, ...b!].map((r) => r.id);
      expect(new Set(claimedIds).size).toBe(claimedIds.length);
      expect(claimedIds.sort((x, y) => x - y)).toEqual(ids);
    });

    it("marks a message sent, keeping its text or redacting it", async () => {
      const kept = await store().outbox.insertClaimed(newMessage({ to: "a@example.com" }), T0 + LEASE);
      const redacted = await store().outbox.insertClaimed(newMessage({ to: "b@example.com" }), T0 + LEASE);
      const smsRedacted = await store().outbox.insertClaimed(newMessage({ to: "+62811", channel: "sms", subject: null, html: null }), T0 + LEASE);
      await store().outbox.markFailed(kept.id, 1, "timeout", T0 + 100);
      await store().outbox.markSent(kept.id, 2, T0 + 200, false);
      await store().outbox.markSent(redacted.id, 1, T0 + 300, true);
      await store().outbox.markSent(smsRedacted.id, 1, T0 + 400, true);
      const [sms, b, a] = await store().outbox.list(undefined, 10);
      // The error of the failed try stays as a record of the retry.
      expect(a).toEqual({ ...kept, status: "sent", attempts: 2, error: "timeout", nextAttemptAt: null, sentAt: T0 + 200 });
      expect(b).toEqual({ ...redacted, status: "sent", attempts: 1, nextAttemptAt: null, sentAt: T0 + 300, code: null, text: REDACTED, html: REDACTED });
      expect(sms).toEqual({ ...smsRedacted, status: "sent", attempts: 1, nextAttemptAt: null, sentAt: T0 + 400, code: null, text: REDACTED, html: null });
    });

    it("marks a message failed with a retry, keeping its text, or given up and redacted", async () => {
      const retry = await store().outbox.insertClaimed(newMessage({ to: "a@example.com" }), T0 + LEASE);
      const giveUp = await store().outbox.insertClaimed(newMessage({ to: "b@example.com" }), T0 + LEASE);
      await store().outbox.markFailed(retry.id, 1, "503 from provider", T0 + 5_000);
      await store().outbox.markFailed(giveUp.id, 5, "code no longer valid", null);
      const [b, a] = await store().outbox.list(undefined, 10);
      expect(a).toEqual({ ...retry, status: "failed", attempts: 1, error: "503 from provider", nextAttemptAt: T0 + 5_000 });
      expect(b).toEqual({ ...giveUp, status: "failed", attempts: 5, error: "code no longer valid", nextAttemptAt: null, code: null, text: REDACTED, html: REDACTED });
    });

    it("lists newest first, by exact destination, up to the limit", async () => {
      const a1 = await store().outbox.insertClaimed(newMessage({ to: "ana@example.com" }), T0);
      const b1 = await store().outbox.insertClaimed(newMessage({ to: "bob@example.com" }), T0);
      const a2 = await store().outbox.insertClaimed(newMessage({ to: "ana@example.com" }), T0);
      expect((await store().outbox.list("ana@example.com", 10)).map((r) => r.id)).toEqual([a2.id, a1.id]);
      expect((await store().outbox.list("ANA@example.com", 10)).map((r) => r.id)).toEqual([]);
      expect((await store().outbox.list(undefined, 2)).map((r) => r.id)).toEqual([a2.id, b1.id]);
    });

    it("keeps event rows out of the list, and claims and settles them as any message", async () => {
      const event = newMessage({ channel: "event", to: "webhook", purpose: "user.created", subject: null, html: null, code: null, text: '{"type":"user.created"}' });
      const mail = await store().outbox.insertClaimed(newMessage({ to: "webhook" }), T0);
      const row = await store().outbox.insertClaimed(event, T0);
      expect((await store().outbox.list(undefined, 10)).map((r) => r.id)).toEqual([mail.id]);
      expect((await store().outbox.list("webhook", 10)).map((r) => r.id)).toEqual([mail.id]);
      const claimed = await store().outbox.claimDue(T0, T0 + LEASE, 10);
      expect(claimed.map((r) => [r.id, r.channel])).toEqual([[mail.id, "email"], [row.id, "event"]]);
      expect(claimed[1]).toEqual({ ...row, nextAttemptAt: T0 + LEASE });
    });
  });
}
