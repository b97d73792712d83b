/**
 * Issue 19, hole 1, against the production bundle on each engine (and two instances on one
 * PostgreSQL database): a stranger who knows only your number neither blocks your code
 * requests nor kills your code. The service trusts the loopback proxy (TRUST_PROXY=loopback),
 * so the stranger is whoever X-Forwarded-For names; the owner calls from the machine itself,
 * where the dev outbox shows the codes.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { outboxCode, request, serverEngines, sharedServiceForBlock, uniqueAddress, uniquePhone } from "./support/server";

// The stranger's address, new for each test: the service, and so its per-address limits, is shared with other files.
let STRANGER: Record<string, string> = {};
beforeEach(() => {
  STRANGER = { "x-forwarded-for": uniqueAddress() };
});

describe.each(serverEngines)("production server on %s", (engine) => {
  const block = sharedServiceForBlock(engine, { TRUST_PROXY: "loopback" });
  if (!block) return;
  const service = () => block.service();

  const call = (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => request(service().base, method, route, body, headers);

  const loginCode = (phone: string) => outboxCode(service().base, phone, "login");

  it("a stranger's request for your number neither makes you wait nor kills your code", async () => {
    const phone = uniquePhone();
    // The owner's account, by family 000.
    const created = await call("POST", "/api/v1/authentication/", { mobile_number: phone });
    expect(created.status, created.text).toBe(201);
    const id = created.body.payload.data[0].id as string;
    const first = await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: phone, otp_code: await loginCode(phone), role: "customer" });
    expect(first.status, first.text).toBe(200);

    // The owner asks for a code; a stranger asks for one too, right after.
    expect((await call("POST", "/verify-phone", { phoneNumber: phone })).status).toBe(200);
    const ownersCode = await loginCode(phone);
    const stranger = await call("POST", "/verify-phone", { phoneNumber: phone }, STRANGER);
    expect(stranger.status, stranger.text).toBe(200);
    expect(stranger.body.content.verificationCode, "the outbox shows no code to a relayed request").toBeUndefined();

    // The stranger types five wrong codes and is locked out...
    const wrong = ownersCode === "111111" ? "222222" : "111111";
    for (let i = 0; i < 5; i++) {
      const res = await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: phone, otp_code: wrong, role: "customer" }, STRANGER);
      expect([400, 429]).toContain(res.status);
    }
    expect((await call("PUT", `/api/v1/authentication/${id}/`, { mobile_number: phone, otp_code: wrong, role: "customer" }, STRANGER)).status).toBe(429);

    // ...while the owner's code still signs in, on another door, and the owner may ask again at once.
    const login = await call("POST", "/login", { phoneNumber: phone, verificationCode: ownersCode });
    expect(login.status, `ATTACK WORKED: the stranger spent the owner's code: ${login.text}`).toBe(200);
    const again = await call("PATCH", `/api/v1/authentication/${id}/`, { mobile_number: phone });
    expect(again.status, `ATTACK WORKED: the stranger's request put the owner in a cooldown: ${again.text}`).toBe(200);
  });

  it("the stranger's own second request waits for the stranger's cooldown", async () => {
    const phone = uniquePhone();
    expect((await call("POST", "/verify-phone", { phoneNumber: phone }, STRANGER)).status).toBe(200);
    const again = await call("POST", "/verify-phone", { phoneNumber: phone }, STRANGER);
    expect(again.status, again.text).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
