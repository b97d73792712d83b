/**
 * Family 004 (seeds/004_*.txt): username + MPIN. Envelope `{status, message, data}`.
 * docs/contracts.md, "Family 004".
 */
import { describe, expect, it } from "vitest";
import { advance, expect003, expect004, expectRetryAfter, fakeDate, MINUTE, OTHER_PIN, PASS, PASS2, PIN, realTimersAfterEach, restSetup, type RestHarness } from "./test-helpers";

realTimersAfterEach();

const INVALID_LOGIN = "Username or Password is invalid";
const PIN_INVALID = "Pin is invalid";
const EMAIL = "budi@example.com";

async function withPin(h: RestHarness) {
  const u = await h.userWithPin({ username: "budi", email: EMAIL });
  const me = (await h.me(u.token)).body.result.data;
  return { ...u, customerId: me.customerId as number, accountNumber: me.accountNumber as string };
}

describe("family 004 POST /v1/auth/login", () => {
  it("answers 200 'Login success' data = {token, userDetails: {username, status}}", async () => {
    const h = restSetup();
    const u = await withPin(h);
    const res = await h.call("POST", "/v1/auth/login", { username: "budi", mpin: PIN });
    const body = expect004(res, 200, "Login success");
    expect(Object.keys(body).sort()).toEqual(["data", "message", "status"]);
    expect(Object.keys(body.data).sort()).toEqual(["token", "userDetails"]);
    expect(typeof body.data.token).toBe("string");
    expect(body.data.token.split(".")).toHaveLength(3);
    expect(body.data.userDetails).toEqual({ username: "budi", status: "ACTIVE" });
    const me = await h.me(body.data.token);
    expect(me.body.result.data.id).toBe(u.id);
  });

  it("answers 400 'Username or Password is invalid' (data null) for a wrong PIN, an unknown user, a user without PIN, a malformed body", async () => {
    const h = restSetup();
    await withPin(h);
    await h.verifiedUser({ username: "nopin", email: "nopin@example.com" });
    for (const body of [
      { username: "budi", mpin: OTHER_PIN },
      { username: "nobody", mpin: PIN },
      { username: "nopin", mpin: PIN },
      { username: "budi", mpin: "12" },
      { username: "budi" },
      { mpin: PIN },
    ]) {
      const res = await h.call("POST", "/v1/auth/login", body);
      expect004(res, 400, INVALID_LOGIN);
      expect(res.body).toEqual({ status: "error", message: INVALID_LOGIN, data: null });
    }
  });

  it("after 10 wrong PINs the PIN is locked: even the right PIN answers the documented 400", async () => {
    const h = restSetup();
    const u = await withPin(h);
    for (let i = 0; i < 10; i++) expect004(await h.call("POST", "/v1/auth/login", { username: "budi", mpin: OTHER_PIN }), 400, INVALID_LOGIN);
    expect004(await h.call("POST", "/v1/auth/login", { username: "budi", mpin: PIN }), 400, INVALID_LOGIN);
    // relogin with the right PIN on a live session answers its own documented 400
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: u.token }), 400, PIN_INVALID);
  });
});

describe("family 004 POST /v1/auth/relogin", () => {
  it("answers 200 'Login success' data = {userDetails}", async () => {
    const h = restSetup();
    await withPin(h);
    const token = (await h.call("POST", "/v1/auth/login", { username: "budi", mpin: PIN })).body.data.token as string;
    const res = await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token });
    const body = expect004(res, 200, "Login success");
    expect(body.data).toEqual({ userDetails: { username: "budi", status: "ACTIVE" } });
  });

  it("answers 401 (envelope, data null) with no token or a bad one", async () => {
    const h = restSetup();
    const u = await withPin(h);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }), 401);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: "garbage" }), 401);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: u.token.slice(0, -3) + "abc" }), 401);
  });

  it("answers 400 'Pin is invalid' for a wrong PIN, a malformed PIN, and for a user without a PIN", async () => {
    const h = restSetup();
    const u = await withPin(h);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: OTHER_PIN }, { token: u.token }), 400, PIN_INVALID);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: "abc" }, { token: u.token }), 400, PIN_INVALID);
    expect004(await h.call("POST", "/v1/auth/relogin", {}, { token: u.token }), 400, PIN_INVALID);
    const nopin = await h.verifiedUser({ username: "nopin", email: "nopin@example.com" });
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: nopin.token }), 400, PIN_INVALID);
  });
});

describe("family 004 POST /v1/auth/forgot-password", () => {
  it("answers 200 'Password reset instructions sent to your email' and emails a code (idCustomers as number or numeric string)", async () => {
    fakeDate();
    const h = restSetup();
    const u = await withPin(h);
    expect(Number.isInteger(u.customerId)).toBe(true);
    expect(typeof u.accountNumber).toBe("string");
    const res = await h.call("POST", "/v1/auth/forgot-password", { idCustomers: u.customerId, accountNumber: u.accountNumber, mpin: PIN });
    expect004(res, 200, "Password reset instructions sent to your email");
    expect(res.body.status).toBe("success");
    const mail = (await h.auth.listOutbox(EMAIL))[0]!;
    expect(mail).toMatchObject({ channel: "email", purpose: "password_reset" });
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(res.text).not.toContain(mail.code!);

    advance(2 * MINUTE);
    const again = await h.call("POST", "/v1/auth/forgot-password", { idCustomers: String(u.customerId), accountNumber: Number(u.accountNumber), mpin: Number(PIN) });
    expect004(again, 200, "Password reset instructions sent to your email");
  });

  it("answers 429 with Retry-After and the envelope inside the resend cooldown", async () => {
    const h = restSetup();
    const u = await withPin(h);
    const body = { idCustomers: u.customerId, accountNumber: u.accountNumber, mpin: PIN };
    expect004(await h.call("POST", "/v1/auth/forgot-password", body), 200);
    const res = await h.call("POST", "/v1/auth/forgot-password", body);
    expect004(res, 429);
    expectRetryAfter(res);
    expect((await h.auth.listOutbox(EMAIL)).filter((m) => m.purpose === "password_reset")).toHaveLength(1);
  });

  it("answers 400 'Invalid username' when the three do not name one user, and sends nothing", async () => {
    const h = restSetup();
    const u = await withPin(h);
    const other = await h.userWithPin({ username: "siti", email: "siti@example.com" });
    const otherMe = (await h.me(other.token)).body.result.data;
    const sent = (await h.auth.listOutbox()).length;
    for (const body of [
      { idCustomers: u.customerId, accountNumber: u.accountNumber, mpin: OTHER_PIN },
      { idCustomers: u.customerId, accountNumber: otherMe.accountNumber, mpin: PIN },
      { idCustomers: otherMe.customerId, accountNumber: u.accountNumber, mpin: PIN },
      { idCustomers: 123456789012, accountNumber: u.accountNumber, mpin: PIN },
      { idCustomers: u.customerId, accountNumber: "0000000000", mpin: PIN },
      { idCustomers: "abc", accountNumber: u.accountNumber, mpin: PIN },
      { accountNumber: u.accountNumber, mpin: PIN },
    ]) {
      const res = await h.call("POST", "/v1/auth/forgot-password", body);
      expect004(res, 400, "Invalid username");
    }
    expect((await h.auth.listOutbox())).toHaveLength(sent);
  });
});

describe("family 004 POST /v1/auth/setup-new-password", () => {
  async function resetCode(h: RestHarness) {
    const u = await withPin(h);
    const res = await h.call("POST", "/v1/auth/forgot-password", { idCustomers: u.customerId, accountNumber: u.accountNumber, mpin: PIN });
    expect(res.status, res.text).toBe(200);
    return { ...u, code: (await h.code(EMAIL, "password_reset")) };
  }

  it("answers 200 'Password successfully updated'; the new password is the account password; every session is signed out", async () => {
    const h = restSetup();
    const u = await resetCode(h);
    const res = await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword: PASS2, otpCode: u.code });
    expect004(res, 200, "Password successfully updated");
    expect(res.body.status).toBe("success");
    expect003(await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: PASS2 }), 200, "Successfuly login");
    expect003(await h.call("POST", "/api/v1/auth/login", { email: EMAIL, password: PASS }), 401);
    expect004(await h.call("POST", "/v1/auth/relogin", { mpin: PIN }, { token: u.token }), 401);
    // the code is used: a second try is "Invalid OTP"
    expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword: "Nasi-Goreng-Pedas-9", otpCode: u.code }), 400, "Invalid OTP");
  });

  it("answers 400 'Invalid username' for an unknown or malformed username", async () => {
    const h = restSetup();
    const u = await resetCode(h);
    for (const username of ["nobody", "x", "@@@"]) {
      expect004(await h.call("POST", "/v1/auth/setup-new-password", { username, newPassword: PASS2, otpCode: u.code }), 400, "Invalid username");
    }
    expect004(await h.call("POST", "/v1/auth/setup-new-password", { newPassword: PASS2, otpCode: u.code }), 400, "Invalid username");
  });

  it("answers 400 'Password does not meet criteria' for a short or common password", async () => {
    const h = restSetup();
    const u = await resetCode(h);
    for (const newPassword of ["short", "password123", ""]) {
      expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword, otpCode: u.code }), 400, "Password does not meet criteria");
    }
    expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", otpCode: u.code }), 400, "Password does not meet criteria");
    // the code was not spent
    expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword: PASS2, otpCode: u.code }), 200);
  });

  it("answers 400 'Invalid OTP' for a wrong, malformed or expired code", async () => {
    fakeDate();
    const h = restSetup();
    const u = await resetCode(h);
    const wrong = u.code === "000000" ? "111111" : "000000";
    for (const otpCode of [wrong, "abc", "12345"]) {
      expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword: PASS2, otpCode }), 400, "Invalid OTP");
    }
    expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword: PASS2 }), 400, "Invalid OTP");
    advance(5 * MINUTE + 1000);
    expect004(await h.call("POST", "/v1/auth/setup-new-password", { username: "budi", newPassword: PASS2, otpCode: u.code }), 400, "Invalid OTP");
  });
});
