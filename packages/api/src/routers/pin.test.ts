import { describe, expect, it, vi } from "vitest";
import { expectTrpcError, expectWireError, MINUTE, PASSWORD, realTimersAfterEach, setup } from "../test/harness";

const PIN = "418207";

realTimersAfterEach();

describe("pin.set + auth.loginWithPin", () => {
  it("sets a PIN right after sign-in; username + PIN then signs in", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    const set = await h.mutate("pin.set", { pin: PIN }, { token: s.accessToken! });
    expect(set.status, set.text).toBe(200);
    expect(set.body.result.data).toEqual({ ok: true });

    const res = await h.mutate("auth.loginWithPin", { username: "ANA", pin: PIN });
    expect(res.status, res.text).toBe(200);
    const data = res.body.result.data;
    expect(data).toMatchObject({ tokenType: "Bearer", user: { id: s.user.id, username: "ana" } });
    expect(data.sessionId).not.toBe(s.sessionId);
    expect((await h.caller(data.accessToken).user.me()).id).toBe(s.user.id);
    expect((await h.auditRows()).some((r) => r.kind === "pin_set" && r.user_id === s.user.id)).toBe(true);
  });

  it("a wrong PIN, an unknown username and an account without a PIN answer the identical 401", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    await h.registerAndVerify({ email: "bo@example.com", username: "budi" });
    await h.caller(s.accessToken).pin.set({ pin: PIN });

    const wrong = await h.mutate("auth.loginWithPin", { username: "ana", pin: "902734" });
    expectWireError(wrong, 401, "INVALID_CREDENTIALS");
    const unknown = await h.mutate("auth.loginWithPin", { username: "nobody", pin: "902734" });
    const unset = await h.mutate("auth.loginWithPin", { username: "budi", pin: "902734" });
    expect(unknown.text).toBe(wrong.text);
    expect(unset.text).toBe(wrong.text);
  });

  it("a changed PIN replaces the old one", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    const c = h.caller(s.accessToken);
    await c.pin.set({ pin: PIN });
    await c.pin.set({ pin: "550271" });
    await expectTrpcError(h.caller().auth.loginWithPin({ username: "ana", pin: PIN }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
    const ok = await h.caller().auth.loginWithPin({ username: "ana", pin: "550271" });
    expect(ok.user.id).toBe(s.user.id);
  });
});

describe("pin.set", () => {
  it("is refused without a recent sign-in (403 REAUTH_REQUIRED) unless currentPassword is given", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    vi.setSystemTime(Date.now() + 11 * MINUTE);

    const refused = await h.mutate("pin.set", { pin: PIN }, { token: s.accessToken! });
    const err = expectWireError(refused, 403, "REAUTH_REQUIRED");
    expect(err.data.code).toBe("FORBIDDEN");
    await expectTrpcError(h.caller(s.accessToken).pin.set({ pin: PIN }), "FORBIDDEN", "REAUTH_REQUIRED");

    // A wrong current password does not count as proof.
    await expectTrpcError(
      h.caller(s.accessToken).pin.set({ pin: PIN, currentPassword: "not my password at all" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    await expectTrpcError(h.caller().auth.loginWithPin({ username: "ana", pin: PIN }), "UNAUTHORIZED");

    const ok = await h.mutate("pin.set", { pin: PIN, currentPassword: PASSWORD }, { token: s.accessToken! });
    expect(ok.status, ok.text).toBe(200);
    expect((await h.caller().auth.loginWithPin({ username: "ana", pin: PIN })).user.id).toBe(s.user.id);
  });

  it("is allowed without currentPassword within 10 minutes of signing in", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    vi.setSystemTime(Date.now() + 9 * MINUTE);
    expect(await h.caller(s.accessToken).pin.set({ pin: PIN })).toEqual({ ok: true });
  });

  it("refuses a trivial PIN with 400 TRIVIAL_PIN", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    for (const pin of ["123456", "111111", "987654", "000000"]) {
      const err = expectWireError(await h.mutate("pin.set", { pin }, { token: s.accessToken! }), 400, "TRIVIAL_PIN");
      expect(err.data.code).toBe("BAD_REQUEST");
      expect(err.data.reason).toBe("trivial");
    }
    await expectTrpcError(h.caller(s.accessToken).pin.set({ pin: "123456" }), "BAD_REQUEST", "TRIVIAL_PIN");
  });

  it("refuses the most common PINs with 400 TRIVIAL_PIN, reason common, and stores none of them", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    for (const pin of ["123123", "112233", "121212", "111222", "123321", "654456", "101010", "198019", "198080", "191980", "159753"]) {
      const err = expectWireError(await h.mutate("pin.set", { pin }, { token: s.accessToken! }), 400, "TRIVIAL_PIN");
      expect(err.data.reason, pin).toBe("common");
    }
    expect((await h.mutate("auth.loginWithPin", { username: "ana", pin: "123123" })).status).toBe(401);
  });

  it("refuses a PIN that is not 6 digits with 400", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    for (const pin of ["12ab56", "41820", "4182071"]) {
      const res = await h.mutate("pin.set", { pin }, { token: s.accessToken! });
      expectWireError(res, 400, "INVALID_INPUT");
    }
  });

  it("needs a sign-in (401)", async () => {
    const h = setup();
    expectWireError(await h.mutate("pin.set", { pin: PIN }), 401, "UNAUTHORIZED");
    expectWireError(await h.mutate("pin.set", { pin: PIN }, { token: "not-a-token" }), 401, "UNAUTHORIZED");
    await expectTrpcError(h.caller().pin.set({ pin: PIN }), "UNAUTHORIZED", "UNAUTHORIZED");
  });
});

describe("pin.relogin", () => {
  it("the right PIN proves the person again on the same session", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    await h.caller(s.accessToken).pin.set({ pin: PIN });
    vi.setSystemTime(Date.now() + 11 * MINUTE);
    await expectTrpcError(h.caller(s.accessToken).pin.set({ pin: "550271" }), "FORBIDDEN", "REAUTH_REQUIRED");

    const res = await h.mutate("pin.relogin", { pin: PIN }, { token: s.accessToken! });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data.user).toMatchObject({ id: s.user.id, username: "ana" });

    // The session counts as freshly signed in again.
    expect(await h.caller(s.accessToken).pin.set({ pin: "550271" })).toEqual({ ok: true });
    const sessions = await h.caller(s.accessToken).session.list();
    expect(sessions).toHaveLength(1);
  });

  it("a wrong PIN answers 400 INVALID_PIN; no PIN set answers 400 PIN_NOT_SET", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    expectWireError(await h.mutate("pin.relogin", { pin: PIN }, { token: s.accessToken! }), 400, "PIN_NOT_SET");
    await h.caller(s.accessToken).pin.set({ pin: PIN });
    expectWireError(await h.mutate("pin.relogin", { pin: "902734" }, { token: s.accessToken! }), 400, "INVALID_PIN");
    expectWireError(await h.mutate("pin.relogin", { pin: PIN }), 401, "UNAUTHORIZED");
  });

  it("locks the PIN after 10 wrong tries (403 PIN_LOCKED), and then the right PIN is refused too", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    const c = h.caller(s.accessToken);
    await c.pin.set({ pin: PIN });
    for (let i = 0; i < 9; i++) await expectTrpcError(c.pin.relogin({ pin: "902734" }), "BAD_REQUEST", "INVALID_PIN");
    await expectTrpcError(c.pin.relogin({ pin: "902734" }), "FORBIDDEN", "PIN_LOCKED");
    expectWireError(await h.mutate("pin.relogin", { pin: PIN }, { token: s.accessToken! }), 403, "PIN_LOCKED");
    await expectTrpcError(h.caller().auth.loginWithPin({ username: "ana", pin: PIN }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
  });
});

describe("pin.requestReset + pin.reset", () => {
  it("a code to the account's email sets a new PIN and lifts a lock", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", username: "ana" });
    const c = h.caller(s.accessToken);
    await c.pin.set({ pin: PIN });
    for (let i = 0; i < 10; i++) await c.pin.relogin({ pin: "902734" }).catch(() => undefined);
    await expectTrpcError(c.pin.relogin({ pin: PIN }), "FORBIDDEN", "PIN_LOCKED");

    const sent = await h.mutate("pin.requestReset", {}, { token: s.accessToken! });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.result.data).toMatchObject({ channel: "email", resendIn: 60 });
    const code = await h.lastCode("ana@example.com", "pin_reset");
    expectWireError(await h.mutate("pin.reset", { code, pin: "123456" }, { token: s.accessToken! }), 400, "TRIVIAL_PIN");
    const reset = await h.mutate("pin.reset", { code, pin: "550271" }, { token: s.accessToken! });
    expect(reset.status, reset.text).toBe(200);
    expect((await c.pin.relogin({ pin: "550271" })).user.id).toBe(s.user.id);
    expectWireError(await h.mutate("pin.reset", { code, pin: "662807" }, { token: s.accessToken! }), 400, "INVALID_CODE");
  });
});
