import { describe, expect, it, vi } from "vitest";
import { expectTrpcError, expectWireError, MINUTE, NEW_PASSWORD, PASSWORD, realTimersAfterEach, resetLinkTokenIn, setup, type Harness } from "../test/harness";

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

/** The reset link's token, read from the newest password_reset email. */
const resetLinkToken = async (h: Harness, email: string) => resetLinkTokenIn(await h.outbox(email));

const login = (h: Harness, identifier: string, password: string) => h.mutate("auth.loginWithPassword", { identifier, password });

realTimersAfterEach();

describe("auth.forgotPassword", () => {
  it("answers with the same body for a known and an unknown account; only the known one gets a code and a link", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    const known = await h.mutate("auth.forgotPassword", { identifier: "ana@example.com" });
    const unknown = await h.mutate("auth.forgotPassword", { identifier: "nobody@example.com" });
    expect(known.status, known.text).toBe(200);
    expect(known.body.result.data).toEqual({ ok: true, resendIn: 60 });
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);

    const msg = (await h.outbox("ana@example.com"))[0]!;
    expect(msg).toMatchObject({ channel: "email", purpose: "password_reset" });
    expect(msg.code).toMatch(/^\d{6}$/);
    expect(msg.text).toMatch(/\/reset-password\?token=/);
    expect(known.text).not.toContain(msg.code!);
    expect(await h.outbox("nobody@example.com")).toHaveLength(0);

    // A second request inside the cooldown is refused the same way for both: the cooldown
    // counts per destination whether or not it has an account.
    const again = await h.mutate("auth.forgotPassword", { identifier: "ana@example.com" });
    const againUnknown = await h.mutate("auth.forgotPassword", { identifier: "nobody@example.com" });
    expectWireError(again, 429, "RESEND_COOLDOWN");
    expect(againUnknown.text.replace("nobody@example.com", "ana@example.com")).toBe(again.text);
    expect(againUnknown.headers.get("retry-after")).toBe(again.headers.get("retry-after"));
  });

  it("by phone sends the code by SMS once the phone is proven", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com", phone: "081234567890" });
    const me = h.caller(s.accessToken);
    await me.user.requestVerification({ channel: "phone" });
    await me.user.confirmVerification({ channel: "phone", code: await h.lastCode("+6281234567890") });
    await h.caller().auth.forgotPassword({ identifier: "0812-3456-7890" });
    const msg = (await h.outbox("+6281234567890"))[0];
    expect(msg).toMatchObject({ channel: "sms", purpose: "password_reset" });
  });
});

describe("auth.resetPassword", () => {
  it("sets the new password with the code and signs out every session", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const other = (await login(h, "ana@example.com", PASSWORD)).body.result.data.accessToken;
    expect((await h.query("user.me", undefined, { token: s.accessToken! })).status).toBe(200);

    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const code = await h.lastCode("ana@example.com", "password_reset");
    const res = await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code, newPassword: NEW_PASSWORD });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ ok: true, signedOutEverywhere: true });

    expectWireError(await h.query("user.me", undefined, { token: s.accessToken! }), 401, "UNAUTHORIZED");
    expectWireError(await h.query("user.me", undefined, { token: other }), 401, "UNAUTHORIZED");
    expectWireError(await login(h, "ana@example.com", PASSWORD), 401, "INVALID_CREDENTIALS");
    expect((await login(h, "ana@example.com", NEW_PASSWORD)).status).toBe(200);
    expect((await h.outbox("ana@example.com"))[0]!.purpose).toBe("password_changed");

    // The code was good once.
    expectWireError(
      await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code, newPassword: "yet another passphrase" }),
      400,
      "INVALID_CODE",
    );
  });

  it("a wrong code answers 400 INVALID_CODE with the tries an unknown account would show too, and changes nothing", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const code = await h.lastCode("ana@example.com", "password_reset");
    const err = expectWireError(
      await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code: wrongCode(code), newPassword: NEW_PASSWORD }),
      400,
      "INVALID_CODE",
    );
    expect(err.data.attemptsLeft).toBe(4);
    await h.caller().auth.forgotPassword({ identifier: "nobody@example.com" });
    const unknown = await h.mutate("auth.resetPassword", { identifier: "nobody@example.com", code: wrongCode(code), newPassword: NEW_PASSWORD });
    expect(expectWireError(unknown, 400, "INVALID_CODE")).toEqual(err);
    expect((await h.query("user.me", undefined, { token: s.accessToken! })).status).toBe(200);
    expect((await login(h, "ana@example.com", PASSWORD)).status).toBe(200);
  });

  it("refuses a weak new password with 400 WEAK_PASSWORD and keeps the code usable", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const code = await h.lastCode("ana@example.com", "password_reset");
    expectWireError(await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code, newPassword: "password123" }), 400, "WEAK_PASSWORD");
    expect((await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code, newPassword: NEW_PASSWORD })).status).toBe(200);
  });

  it("a wrong code answers the same for a known and an unknown identifier", async () => {
    // DESIGN.md: "Wrong password, PIN or code: the same answer whether or not the account exists."
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const known = await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code: "000000", newPassword: NEW_PASSWORD });
    const unknown = await h.mutate("auth.resetPassword", { identifier: "nobody@example.com", code: "000000", newPassword: NEW_PASSWORD });
    expect(known.status).toBe(400);
    expect({ status: unknown.status, authCode: unknown.body.error.data.authCode }).toEqual({
      status: known.status,
      authCode: known.body.error.data.authCode,
    });
  });
});

describe("auth.resetPasswordWithLink", () => {
  it("the emailed link's token sets a new password once and signs out every session", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    await h.mutate("auth.forgotPassword", { identifier: "ana@example.com" });
    const token = await resetLinkToken(h, "ana@example.com");

    const res = await h.mutate("auth.resetPasswordWithLink", { token, newPassword: NEW_PASSWORD });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ ok: true, signedOutEverywhere: true });
    expectWireError(await h.query("user.me", undefined, { token: s.accessToken! }), 401);
    expect((await login(h, "ana@example.com", NEW_PASSWORD)).status).toBe(200);
    expectWireError(await login(h, "ana@example.com", PASSWORD), 401, "INVALID_CREDENTIALS");

    // Good once.
    const again = await h.mutate("auth.resetPasswordWithLink", { token, newPassword: "yet another passphrase" });
    expectWireError(again, 401, "UNAUTHORIZED");
    expect((await login(h, "ana@example.com", NEW_PASSWORD)).status).toBe(200);
  });

  it("says whether a link can still be used, without using it: live, then dead once used; a session's token or garbage is no link", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    await h.mutate("auth.forgotPassword", { identifier: "ana@example.com" });
    const token = await resetLinkToken(h, "ana@example.com");
    const status = async (t: string) => (await h.query("auth.resetLinkStatus", { token: t })).body.result.data;
    expect(await status(token)).toEqual({ usable: true });
    expect(await status(token)).toEqual({ usable: true });
    expect((await h.mutate("auth.resetPasswordWithLink", { token, newPassword: NEW_PASSWORD })).status).toBe(200);
    expect(await status(token)).toEqual({ usable: false });
    expect(await status("not-a-token")).toEqual({ usable: false });
    const web = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: NEW_PASSWORD, delivery: "cookie" });
    const cookieToken = /authsvc_session=([^;]+)/.exec(web.headers.get("set-cookie") ?? "")![1]!;
    expect(await status(cookieToken)).toEqual({ usable: false });
  });

  it("the link's token is not a sign-in: user.me refuses it", async () => {
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const token = await resetLinkToken(h, "ana@example.com");
    expectWireError(await h.query("user.me", undefined, { token }), 401, "UNAUTHORIZED");
    await expectTrpcError(h.caller(token).session.list(), "UNAUTHORIZED");
    // ...and it still works for what it is for.
    expect((await h.caller().auth.resetPasswordWithLink({ token, newPassword: NEW_PASSWORD })).ok).toBe(true);
  });

  it("refuses a session's token, a garbage token, and a weak password", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    // A JWT access token is longer than any link token: refused as input.
    expect((await h.mutate("auth.resetPasswordWithLink", { token: s.accessToken, newPassword: NEW_PASSWORD })).status).toBe(400);
    // An opaque session token (the web cookie's) is a sign-in, not a reset link.
    const web = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" });
    const cookieToken = /authsvc_session=([^;]+)/.exec(web.headers.get("set-cookie") ?? "")![1]!;
    expectWireError(
      await h.mutate("auth.resetPasswordWithLink", { token: decodeURIComponent(cookieToken), newPassword: NEW_PASSWORD }),
      401,
      "UNAUTHORIZED",
    );
    expectWireError(await h.mutate("auth.resetPasswordWithLink", { token: "garbage", newPassword: NEW_PASSWORD }), 401, "UNAUTHORIZED");
    expect((await login(h, "ana@example.com", PASSWORD)).status).toBe(200);

    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const token = await resetLinkToken(h, "ana@example.com");
    expectWireError(await h.mutate("auth.resetPasswordWithLink", { token, newPassword: "password123" }), 400, "WEAK_PASSWORD");
    // A refused weak password does not use up the link.
    expect((await h.mutate("auth.resetPasswordWithLink", { token, newPassword: NEW_PASSWORD })).status).toBe(200);
  });

  it("a reset request is good once: after its code has reset the password, its link is dead", async () => {
    // The code and the link come in the same email for the same request; using either one
    // should end the request, or whoever later sees the email can reset again and sign the
    // owner out everywhere for another 30 minutes.
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const code = await h.lastCode("ana@example.com", "password_reset");
    const token = await resetLinkToken(h, "ana@example.com");
    expect((await h.mutate("auth.resetPassword", { identifier: "ana@example.com", code, newPassword: NEW_PASSWORD })).status).toBe(200);
    expectWireError(await h.mutate("auth.resetPasswordWithLink", { token, newPassword: "yet another passphrase" }), 401, "UNAUTHORIZED");
    expect((await login(h, "ana@example.com", NEW_PASSWORD)).status).toBe(200);
  });

  it("an expired link is refused", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller().auth.forgotPassword({ identifier: "ana@example.com" });
    const token = await resetLinkToken(h, "ana@example.com");
    vi.setSystemTime(Date.now() + 31 * MINUTE);
    expectWireError(await h.mutate("auth.resetPasswordWithLink", { token, newPassword: NEW_PASSWORD }), 401, "UNAUTHORIZED");
  });
});

describe("password.update", () => {
  it("right after sign-in needs no current password; signs out the other sessions and keeps this one", async () => {
    const h = setup();
    const first = await h.registerAndVerify({ email: "ana@example.com" });
    const current = (await login(h, "ana@example.com", PASSWORD)).body.result.data;

    const res = await h.mutate("password.update", { newPassword: NEW_PASSWORD }, { token: current.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ ok: true });

    expectWireError(await h.query("user.me", undefined, { token: first.accessToken! }), 401, "UNAUTHORIZED");
    expect((await h.query("user.me", undefined, { token: current.accessToken })).status).toBe(200);
    const sessions = await h.caller(current.accessToken).session.list();
    expect(sessions.map((x) => x.id)).toEqual([current.sessionId]);

    expectWireError(await login(h, "ana@example.com", PASSWORD), 401, "INVALID_CREDENTIALS");
    expect((await login(h, "ana@example.com", NEW_PASSWORD)).status).toBe(200);
    expect((await h.outbox("ana@example.com"))[0]!.purpose).toBe("password_changed");
  });

  it("without a recent sign-in needs currentPassword (403 REAUTH_REQUIRED), and a wrong one is 401", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    vi.setSystemTime(Date.now() + 11 * MINUTE);

    expectWireError(await h.mutate("password.update", { newPassword: NEW_PASSWORD }, { token: s.accessToken! }), 403, "REAUTH_REQUIRED");
    expectWireError(
      await h.mutate("password.update", { newPassword: NEW_PASSWORD, currentPassword: "not my password at all" }, { token: s.accessToken! }),
      401,
      "INVALID_CREDENTIALS",
    );
    expect((await login(h, "ana@example.com", PASSWORD)).status).toBe(200);

    const ok = await h.mutate("password.update", { newPassword: NEW_PASSWORD, currentPassword: PASSWORD }, { token: s.accessToken! });
    expect(ok.status, ok.text).toBe(200);
    expect((await h.query("user.me", undefined, { token: s.accessToken! })).status).toBe(200);
    expect((await login(h, "ana@example.com", NEW_PASSWORD)).status).toBe(200);
  });

  it("refuses a weak new password (400 WEAK_PASSWORD) and needs a sign-in (401)", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const err = expectWireError(await h.mutate("password.update", { newPassword: "password123" }, { token: s.accessToken! }), 400, "WEAK_PASSWORD");
    expect(err.data.reason).toBe("common");
    // The service's bounds, not family 002's 6-20, whatever the input says.
    for (const input of [{ newPassword: "xK9#mQ" }, { newPassword: "xK9#mQ", passwordBounds: { minLength: 6, maxLength: 20 } }]) {
      const short = expectWireError(await h.mutate("password.update", input, { token: s.accessToken! }), 400, "WEAK_PASSWORD");
      expect(short.data.reason).toBe("too_short");
    }
    expectWireError(await h.mutate("password.update", { newPassword: NEW_PASSWORD }), 401, "UNAUTHORIZED");
    await expectTrpcError(h.caller().password.update({ newPassword: NEW_PASSWORD }), "UNAUTHORIZED");
    expect((await login(h, "ana@example.com", PASSWORD)).status).toBe(200);
  });

  it("guesses at currentPassword are limited like password sign-ins (429 after 10 wrong)", async () => {
    // DESIGN.md: "Limits per account ...; a hit answers 429 with Retry-After." A stolen access
    // token must not become an unlimited oracle for the account's password.
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    vi.setSystemTime(Date.now() + 11 * MINUTE);
    for (let i = 0; i < 10; i++) {
      await h.mutate("password.update", { newPassword: NEW_PASSWORD, currentPassword: `guess number ${i}` }, { token: s.accessToken! });
    }
    const res = await h.mutate("password.update", { newPassword: NEW_PASSWORD, currentPassword: "guess number 10" }, { token: s.accessToken! });
    expectWireError(res, 429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
