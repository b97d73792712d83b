/**
 * Issue 19, the phone trap: a web sign-up with email, password and an unproven phone, then a
 * login by SMS code. The proof moves the phone to a new account; tRPC says so in the signed-in
 * answer (`claimMoved`) so the client can tell the person, the owner is told by email, and the
 * REST families keep their documented bodies, with no new field.
 */
import { describe, expect, it } from "vitest";
import { setup, type Wire } from "../test/harness";

const EMAIL = "ana@example.com";
const PHONE = "+6281234567890";

async function trapped(h: ReturnType<typeof setup>) {
  const owner = await h.registerAndVerify({ email: EMAIL, phone: PHONE });
  expect(owner.user.phoneVerified).toBe(false);
  return owner;
}

describe("a phone code login that moves an unproven phone off an account", () => {
  it("tRPC auth.loginWithPhoneCode answers claimMoved: phone, signed into a new account; the owner's email gets the notice", async () => {
    const h = setup();
    const owner = await trapped(h);
    expect(owner).not.toHaveProperty("claimMoved");

    expect((await h.mutate("auth.requestPhoneCode", { phone: PHONE })).status).toBe(200);
    const login = await h.mutate("auth.loginWithPhoneCode", { phone: PHONE, code: await h.lastCode(PHONE, "login") });
    expect(login.status, login.text).toBe(200);
    const data = login.body.result.data;
    expect(data.claimMoved).toBe("phone");
    expect(data.user.id).not.toBe(owner.user.id);
    expect(data.user).toMatchObject({ email: null, phone: PHONE, phoneVerified: true });

    const notice = (await h.outbox(EMAIL)).find((m) => m.purpose === "claim_removed");
    expect(notice).toMatchObject({ channel: "email", code: null });
    expect(notice!.text).not.toContain(PHONE);

    const dropped = (await h.auditRows()).filter((r) => r.kind === "claim_dropped");
    expect(dropped.map((r) => r.outcome)).toEqual(["ok"]);
  });

  it("a login that moves nothing has no claimMoved", async () => {
    const h = setup();
    await h.mutate("auth.requestPhoneCode", { phone: PHONE });
    const login = await h.mutate("auth.loginWithPhoneCode", { phone: PHONE, code: await h.lastCode(PHONE, "login") });
    expect(login.status, login.text).toBe(200);
    expect(login.body.result.data).not.toHaveProperty("claimMoved");
  });

  it("family 001 /login and family 000 PUT keep their documented bodies when the phone moves", async () => {
    for (const door of ["001", "000"] as const) {
      const h = setup();
      await trapped(h);
      let body: Wire["body"];
      if (door === "001") {
        expect((await h.raw("/verify-phone", post({ phoneNumber: PHONE }))).status).toBe(200);
        const login = await h.raw("/login", post({ phoneNumber: PHONE, verificationCode: await h.lastCode(PHONE, "login") }));
        expect(login.status, login.text).toBe(200);
        body = login.body;
        expect(Object.keys(body.content).sort()).toEqual(["accessToken", "expiresIn", "scope", "tokenType"]);
      } else {
        const created = await h.raw("/api/v1/authentication/", post({ mobile_number: PHONE }));
        expect(created.status, created.text).toBe(201);
        const id = created.body.payload.data[0].id as string;
        const login = await h.raw(`/api/v1/authentication/${id}/`, { ...post({ mobile_number: PHONE, otp_code: await h.lastCode(PHONE, "login") }), method: "PUT" });
        expect(login.status, login.text).toBe(200);
        body = login.body;
        expect(Object.keys(body.payload.data[0]).sort()).toEqual(["access_token", "id"]);
      }
      expect(JSON.stringify(body), `family ${door}`).not.toContain("claimMoved");
      expect((await h.outbox(EMAIL)).some((m) => m.purpose === "claim_removed"), `family ${door}: the owner is told`).toBe(true);
    }
  });
});

function post(json: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", "user-agent": "vitest" }, body: JSON.stringify(json) };
}
