import { describe, expect, it } from "vitest";
import { expectNoLeak, expectTrpcError, expectWireError, setup } from "../test/harness";

describe("user.me", () => {
  it("answers the signed-in user with id, customerId and accountNumber, and nothing secret", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana", phone: "081234567890" });
    const res = await h.query("user.me", undefined, { token: s.accessToken! });
    expect(res.status, res.text).toBe(200);
    expectNoLeak(res);
    const me = res.body.result.data;
    expect(me).toMatchObject({
      id: s.user.id,
      email: "ana@example.com",
      username: "ana",
      phone: "+6281234567890",
      role: "user",
      status: "ACTIVE",
      emailVerified: true,
      phoneVerified: false,
    });
    expect(Number.isInteger(me.customerId)).toBe(true);
    expect(String(me.customerId)).toMatch(/^[1-9]\d{11}$/);
    expect(me.accountNumber).toMatch(/^[1-9]\d{9}$/);
    for (const key of Object.keys(me)) expect(key).not.toMatch(/hash|password|pin|secret|token/i);

    const inProcess = await h.caller(s.accessToken).user.me();
    expect(inProcess).toEqual(me);
  });

  it("every kind of token a sign-in hands out is accepted", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    // A family 001 opaque bearer token, issued by core for the same session.
    const bearer = await h.auth.issueToken((await h.auth.authenticate(s.accessToken!)), { type: "bearer" });
    const res = await h.query("user.me", undefined, { token: bearer.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data.id).toBe(s.user.id);
  });

  it("answers 401 UNAUTHORIZED without a token, with a bad one, or with a tampered one", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const tampered = (() => {
      const [head, payload, sig] = s.accessToken!.split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
      claims.sub = "2";
      return `${head}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`;
    })();
    for (const token of [undefined, "garbage", "a.b.c", tampered]) {
      const err = expectWireError(await h.query("user.me", undefined, { token }), 401, "UNAUTHORIZED");
      expect(err.data.code).toBe("UNAUTHORIZED");
    }
    // Not a Bearer scheme: no credential at all.
    expectWireError(await h.query("user.me", undefined, { headers: { authorization: `Basic ${s.accessToken}` } }), 401, "UNAUTHORIZED");
    await expectTrpcError(h.caller().user.me(), "UNAUTHORIZED", "UNAUTHORIZED");
    await expectTrpcError(h.caller("garbage").user.me(), "UNAUTHORIZED", "UNAUTHORIZED");
  });

  it("a disabled account's token stops working", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    await h.store.users.update(s.user.id, { status: "DISABLED" });
    expectWireError(await h.query("user.me", undefined, { token: s.accessToken! }), 401, "UNAUTHORIZED");
  });
});

describe("user.requestVerification + user.confirmVerification", () => {
  it("proves the account's phone with an SMS code", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", phone: "081234567890" });
    const sent = await h.mutate("user.requestVerification", { channel: "phone" }, { token: s.accessToken! });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.result.data).toMatchObject({ resendIn: 60 });
    const code = await h.lastCode("+6281234567890", "verify_phone");
    expect(sent.text).not.toContain(code);

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expectWireError(await h.mutate("user.confirmVerification", { channel: "phone", code: wrong }, { token: s.accessToken! }), 400, "INVALID_CODE");
    const ok = await h.mutate("user.confirmVerification", { channel: "phone", code }, { token: s.accessToken! });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.result.data).toMatchObject({ id: s.user.id, phoneVerified: true });
    expect((await h.caller(s.accessToken).user.me()).phoneVerified).toBe(true);

    // Already proven.
    expectWireError(await h.mutate("user.requestVerification", { channel: "phone" }, { token: s.accessToken! }), 409, "ALREADY_VERIFIED");
  });

  it("an already verified email answers 409; an account without email answers 400", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    expectWireError(await h.mutate("user.requestVerification", { channel: "email" }, { token: s.accessToken! }), 409, "ALREADY_VERIFIED");
    const phoneUser = await h.phoneSignIn("081298765432");
    await expectTrpcError(h.caller(phoneUser.accessToken).user.requestVerification({ channel: "email" }), "BAD_REQUEST", "INVALID_INPUT");
  });
});
