/**
 * Issue 19, hole 5: the batch cap of 10 was counted on the raw path, but tRPC decodes the
 * path before it splits it, so `%2C` separators ran any number of calls (250 password checks
 * in one request). A batch holds at most 10 calls however its separators are written.
 */
import { describe, expect, it } from "vitest";
import { ATTACKER_IP, attackSetup, PASS, VICTIM_IP, type AttackHarness } from "./support";

const mail = (i: number) => `batch.enc${i}@example.com`;

async function accounts(h: AttackHarness, n: number) {
  for (let i = 0; i < n; i++) {
    const reg = await h.call(VICTIM_IP, "POST", "/auth/register", { email: mail(i), password: PASS, fullname: "Siti Nurhaliza" });
    expect(reg.status, reg.text).toBe(200);
  }
}

/** One batch whose names are joined by `separators` (cycled), inputs by index. */
function batch(h: AttackHarness, procedure: string, inputs: unknown[], separators: string[], method: "POST" | "GET" = "POST") {
  const names = inputs.map((_, i) => (i === 0 ? "" : separators[(i - 1) % separators.length]) + procedure).join("");
  const body = Object.fromEntries(inputs.map((input, i) => [String(i), input]));
  if (method === "GET") return h.call(ATTACKER_IP, "GET", `/api/trpc/${names}?batch=1&input=${encodeURIComponent(JSON.stringify(body))}`);
  return h.call(ATTACKER_IP, "POST", `/api/trpc/${names}?batch=1`, body);
}

function expectRefused(res: { status: number; text: string; headers: Headers; body: any }) {
  expect(res.status, `ATTACK WORKED: an over-long batch was accepted: ${res.text.slice(0, 300)}`).toBe(400);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  // tRPC's own error shape, as any other refusal of the typed API.
  const err = Array.isArray(res.body) ? res.body[0].error : res.body.error;
  expect(err.data.code).toBe("BAD_REQUEST");
  expect(err.data.httpStatus).toBe(400);
}

describe("hole 5: a tRPC batch holds at most 10 calls however its separators are written", () => {
  for (const [name, separators] of [
    ["%2C", ["%2C"]],
    ["%2c", ["%2c"]],
    ["%2C and , mixed", ["%2C", ","]],
  ] as const) {
    it(`11 auth.forgotPassword calls joined by ${name}: 400 and not one runs`, async () => {
      const h = attackSetup();
      await accounts(h, 11);
      const res = await batch(h, "auth.forgotPassword", Array.from({ length: 11 }, (_, i) => ({ identifier: mail(i) })), [...separators]);
      expectRefused(res);
      expect(await h.outbox(), "ATTACK WORKED: calls of an over-long batch ran (messages were sent)").toHaveLength(0);
      expect(await h.auditKinds()).not.toContain("password_reset_requested");
    });
  }

  it("250 auth.loginWithPassword calls joined by %2C (250 password checks): 400, no password is checked", async () => {
    const h = attackSetup();
    await accounts(h, 1);
    const inputs = Array.from({ length: 250 }, () => ({ identifier: mail(0), password: "wrong password 123" }));
    const res = await batch(h, "auth.loginWithPassword", inputs, ["%2C"]);
    expectRefused(res);
    const kinds = await h.auditKinds();
    expect(kinds.filter((k) => k === "login_failed"), "ATTACK WORKED: password checks of an over-long batch ran").toEqual([]);
  });

  it("a GET batch of 11 queries joined by %2C: 400", async () => {
    const h = attackSetup();
    const res = await batch(h, "user.me", Array.from({ length: 11 }, () => undefined), ["%2C"], "GET");
    expectRefused(res);
  });

  it("10 calls joined by %2C are one batch of 10: allowed, and all run", async () => {
    const h = attackSetup();
    await accounts(h, 10);
    const res = await batch(h, "auth.forgotPassword", Array.from({ length: 10 }, (_, i) => ({ identifier: mail(i) })), ["%2C"]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toHaveLength(10);
    expect(await h.outbox()).toHaveLength(10);
  });
});
