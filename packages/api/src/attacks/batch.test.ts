/**
 * Issue 10, hole 4: unthrottled password-hash work. A tRPC batch holds at most 10 calls
 * (more: a 4xx before any runs), and `auth.resetPassword` has a per-address limit, so one
 * client cannot buy unbounded argon2 work. (Hash counting per call is tested in core.)
 */
import { describe, expect, it } from "vitest";
import { ATTACKER_IP, attackSetup, PASS, PASS2, realTimersAfterEach, VICTIM_IP, type AttackHarness } from "./support";

realTimersAfterEach();

const mail = (i: number) => `batch.victim${i}@example.com`;

/** Known accounts, so that any forgotPassword that runs leaves a message in the outbox. */
async function accounts(h: AttackHarness, n: number) {
  for (let i = 0; i < n; i++) {
    const reg = await h.call(VICTIM_IP, "POST", "/auth/register", { email: mail(i), password: PASS, fullname: "Siti Nurhaliza" });
    expect(reg.status, reg.text).toBe(200);
  }
  expect((await h.outbox())).toHaveLength(0);
}

function batch(h: AttackHarness, procedure: string, inputs: unknown[]) {
  const names = inputs.map(() => procedure).join(",");
  const body = Object.fromEntries(inputs.map((input, i) => [String(i), input]));
  return h.call(ATTACKER_IP, "POST", `/api/trpc/${names}?batch=1`, body);
}

describe("hole 4: tRPC batches hold at most 10 calls", () => {
  it("11 auth.forgotPassword calls in one batch: a 4xx and not one of them runs", async () => {
    const h = attackSetup();
    await accounts(h, 11);
    const res = await batch(
      h,
      "auth.forgotPassword",
      Array.from({ length: 11 }, (_, i) => ({ identifier: mail(i) })),
    );
    expect([400, 413], `ATTACK WORKED: a batch of 11 was accepted (status ${res.status}); each call may cost a hash`).toContain(res.status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect((await h.outbox()), "ATTACK WORKED: calls of an over-long batch ran (messages were sent)").toHaveLength(0);
    expect((await h.auditKinds())).not.toContain("password_reset_requested");
  });

  it("10 calls in one batch are allowed and all run", async () => {
    const h = attackSetup();
    await accounts(h, 10);
    const res = await batch(
      h,
      "auth.forgotPassword",
      Array.from({ length: 10 }, (_, i) => ({ identifier: mail(i) })),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toHaveLength(10);
    for (const r of res.body) expect(r.result.data).toEqual({ ok: true, resendIn: 60 });
    expect((await h.outbox())).toHaveLength(10);
  });
});

describe("hole 4: auth.resetPassword has a per-address limit", () => {
  it("60 wrong resets from one address (unknown accounts, so no per-destination lock helps) end in 429", async () => {
    const h = attackSetup();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await h.mutate(ATTACKER_IP, "auth.resetPassword", { identifier: `nobody${i}@example.com`, code: "123456", newPassword: PASS2 });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        break;
      }
      expect(res.status, res.text).toBe(400);
    }
    expect(statuses, "ATTACK WORKED: 60 reset attempts from one address were all served (no per-address limit)").toContain(429);
  });
});
