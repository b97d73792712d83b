/**
 * Which flows write which event, and what an event says: read from the outbox rows the
 * delivery worker would send (no worker runs here), as the receiver would get their bodies.
 */
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { audit } from "../audit/audit";
import { SoftAuthenticator } from "../factors/soft-authenticator";
import type { TokenRequest } from "../flows/sign-in";
import { authError, fakeClockEachTest, lastCode, PASSWORD, phoneSignIn, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";
import { transaction } from "../transaction";
import { EVENT_TYPES } from "./emit";

const clock = fakeClockEachTest();
const SECRET = `whsec_${Buffer.from("events-test-key-0123456789abcdef").toString("base64")}`;
const EMAIL = "ana@example.com";
const PHONE = "0881829915";
const E164 = "+62881829915";
const jwt: TokenRequest = { type: "jwt" };
const owner = { ip: "198.51.100.7", userAgent: "owner's phone" };

interface Received {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

function eventsAuth(options: Parameters<typeof createTestAuth>[0] = {}) {
  return createTestAuth({ events: { url: "http://127.0.0.1:9/events", secret: SECRET }, ...options });
}
type T = ReturnType<typeof eventsAuth>;

/** The event rows, oldest first, with their bodies as a receiver would parse them. */
async function eventRows(t: Pick<T, "sql">) {
  const rows = await t.sql.all("SELECT * FROM outbox WHERE channel = 'event' ORDER BY id");
  return rows.map((r) => ({ row: r, body: JSON.parse(String(r.text)) as Received }));
}
const events = async (t: Pick<T, "sql">) => (await eventRows(t)).map((e) => e.body);

/** The events written by `run`, and only those. */
async function eventsOf(t: T, run: () => Promise<unknown>): Promise<Received[]> {
  const before = (await eventRows(t)).length;
  await run();
  return (await events(t)).slice(before);
}

const appCode = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() });

describe("events: the sign-up of every door", () => {
  it("a registration by emailed code: the user made, its email proven and its session, in Standard Webhooks' shape", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const rows = await eventRows(t);
    expect(rows.map((e) => e.body)).toEqual([
      { type: "user.created", timestamp: new Date(Date.now()).toISOString(), data: { userId: s.user.id, method: "email_code" } },
      { type: "user.verified", timestamp: new Date(Date.now()).toISOString(), data: { userId: s.user.id, channel: "email" } },
      { type: "session.created", timestamp: new Date(Date.now()).toISOString(), data: { userId: s.user.id, sessionId: s.session.id, method: "signup" } },
    ]);
    for (const { row, body } of rows) {
      expect(Object.keys(body)).toEqual(["type", "timestamp", "data"]);
      // The row is the outbox's: its purpose is the type, and it waits for any instance's worker.
      expect(row).toMatchObject({ channel: "event", purpose: body.type, status: "sending", attempts: 0, code: null, challenge_id: null });
      expect(Number(row.next_attempt_at)).toBeLessThanOrEqual(Date.now());
    }
  });

  it("an account made at once with a password (families 001, 002), then its email proven by a code", async () => {
    const t = eventsAuth();
    const user = await t.auth.createAccount({ email: EMAIL, password: PASSWORD, username: "ana" });
    expect(await events(t)).toEqual([expect.objectContaining({ type: "user.created", data: { userId: user.id, method: "password" } })]);
    await t.auth.sendEmailVerification(EMAIL);
    const signedIn = await t.auth.verifyEmailAndSignIn({ email: EMAIL, code: await lastCode(t.auth, EMAIL) }, jwt);
    expect((await events(t)).slice(1)).toEqual([
      expect.objectContaining({ type: "user.verified", data: { userId: user.id, channel: "email" } }),
      expect.objectContaining({ type: "session.created", data: { userId: user.id, sessionId: signedIn.session.id, method: "email_code" } }),
    ]);
  });

  it("a phone's first code (family 000, the web): the user made on the send, its phone proven by the sign-in", async () => {
    const t = eventsAuth();
    const s = await phoneSignIn(t.auth, PHONE);
    expect(await events(t)).toEqual([
      expect.objectContaining({ type: "user.created", data: { userId: s.user.id, method: "phone_code" } }),
      expect.objectContaining({ type: "user.verified", data: { userId: s.user.id, channel: "phone" } }),
      expect.objectContaining({ type: "session.created", data: { userId: s.user.id, sessionId: s.session.id, method: "phone_code" } }),
    ]);
  });

  it("a claim moved to an account of its own: that account's creation and proof", async () => {
    const t = eventsAuth();
    // Somebody controls this account by a password set after it was made, with an unproven phone on it.
    const other = await t.auth.createAccount({ phone: PHONE, username: "squatter" });
    await t.sql.run("update users set email_verified_at = ?, email = ? where id = ?", Date.now(), "squatter@example.com", other.id);
    const s = await phoneSignIn(t.auth, PHONE);
    expect(s.claimMoved).toBe("phone");
    expect((await events(t)).slice(1)).toEqual([
      expect.objectContaining({ type: "user.created", data: { userId: s.user.id, method: "phone_code" } }),
      expect.objectContaining({ type: "user.verified", data: { userId: s.user.id, channel: "phone" } }),
      expect.objectContaining({ type: "session.created", data: expect.objectContaining({ userId: s.user.id }) }),
    ]);
  });
});

describe("events: sessions", () => {
  it("every sign-in method opens a session with its event; a PIN re-login on a session opens none", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const principal = await t.auth.authenticate(s.token);
    const pw = await eventsOf(t, () => t.auth.loginWithPassword({ identifier: "ana", password: PASSWORD }, jwt, owner));
    expect(pw).toEqual([expect.objectContaining({ type: "session.created", data: { userId: s.user.id, sessionId: expect.any(String), method: "password" } })]);
    await t.auth.setPin(principal, { pin: "480215" });
    const pin = await eventsOf(t, () => t.auth.loginWithPin({ username: "ana", pin: "480215" }, { type: "cookie" }));
    expect(pin).toEqual([expect.objectContaining({ type: "session.created", data: expect.objectContaining({ method: "pin" }) })]);
    expect(await eventsOf(t, () => t.auth.reloginWithPin(principal, "480215"))).toEqual([]);
  });

  it("the second step of a sign-in opens the session, not the first", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const principal = await t.auth.authenticate(s.token);
    const started = await t.auth.startTotp(principal, { name: "Pixel" });
    await t.auth.confirmTotp(principal, { factorId: started.factorId, code: appCode(started.secret) });
    clock.advanceSec(30);
    const e = await authError(t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, jwt, owner));
    expect(e.code).toBe("SECOND_FACTOR_REQUIRED");
    const second = await eventsOf(t, () => t.auth.signInSecondStep({ ticket: e.detail.ticket!, totp: appCode(started.secret) }, jwt, owner));
    expect(second).toEqual([expect.objectContaining({ type: "session.created", data: { userId: s.user.id, sessionId: expect.any(String), method: "password+totp" } })]);
  });

  it("a passkey signs in with its own event", async () => {
    const origin = "https://login.bank.example";
    const t = eventsAuth({ publicUrl: origin, webauthn: { rpId: "bank.example" } });
    const s = await signUp(t.auth, { email: EMAIL });
    const principal = await t.auth.authenticate(s.token);
    const device = new SoftAuthenticator(origin, "bank.example");
    const { ceremonyId, options } = await t.auth.startPasskey(principal, owner);
    await t.auth.finishPasskey(principal, { ceremonyId, response: device.register(options) as never, name: "Phone" }, owner);
    const start = await t.auth.passkeySignInOptions(owner);
    const signedIn = await eventsOf(t, () => t.auth.loginWithPasskey({ ceremonyId: start.ceremonyId, response: device.assert(start.options) as never }, jwt, owner));
    expect(signedIn).toEqual([expect.objectContaining({ type: "session.created", data: { userId: s.user.id, sessionId: expect.any(String), method: "passkey" } })]);
  });

  it("session.revoked: a logout, one session revoked, all of them, and a reused renewal token", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const login = () => t.auth.loginWithPassword({ identifier: "ana", password: PASSWORD }, jwt, owner);

    const a = await login();
    expect(await eventsOf(t, async () => t.auth.logout(await t.auth.authenticate(a.token)))).toEqual([
      expect.objectContaining({ type: "session.revoked", data: { userId: s.user.id, sessionId: a.session.id, reason: "logout" } }),
    ]);

    const b = await login();
    const mine = await t.auth.authenticate(s.token);
    expect(await eventsOf(t, () => t.auth.revokeSession(mine, b.session.id))).toEqual([
      expect.objectContaining({ type: "session.revoked", data: { userId: s.user.id, sessionId: b.session.id, reason: "revoked_by_user" } }),
    ]);

    await login();
    await login();
    expect(await eventsOf(t, () => t.auth.revokeAllSessions(mine, { keepCurrent: true }))).toEqual([
      expect.objectContaining({ type: "session.revoked", data: { userId: s.user.id, reason: "revoked_by_user", count: 2 } }),
    ]);

    const c = await login();
    await t.auth.renewAccessToken(c.token);
    const reused = await eventsOf(t, () => authError(t.auth.renewAccessToken(c.token)));
    expect(reused).toEqual([expect.objectContaining({ type: "session.revoked", data: { userId: s.user.id, sessionId: c.session.id, reason: "token_reuse" } })]);
  });
});

describe("events: passwords and factors", () => {
  it("password.changed by a change (other sessions revoked), by a reset code and by a reset link", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    await t.auth.loginWithPassword({ identifier: "ana", password: PASSWORD }, jwt);
    const changed = await eventsOf(t, async () => t.auth.changePassword(await t.auth.authenticate(s.token), { newPassword: "another horse battery staple" }));
    expect(changed).toEqual([
      expect.objectContaining({ type: "password.changed", data: { userId: s.user.id, how: "change" } }),
      expect.objectContaining({ type: "session.revoked", data: { userId: s.user.id, reason: "password_changed", count: 1 } }),
    ]);

    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const code = await lastCode(t.auth, EMAIL);
    const reset = await eventsOf(t, () => t.auth.resetPasswordWithCode({ identifier: EMAIL, code, newPassword: "a third horse battery staple" }));
    expect(reset).toEqual([
      expect.objectContaining({ type: "password.changed", data: { userId: s.user.id, how: "reset_code" } }),
      expect.objectContaining({ type: "session.revoked", data: { userId: s.user.id, reason: "password_reset", count: 1 } }),
    ]);

    clock.advanceSec(600);
    await t.auth.requestPasswordReset({ identifier: EMAIL });
    const link = decodeURIComponent(/token=([^\s]+)/.exec((await t.auth.listOutbox(EMAIL))[0]!.text)![1]!);
    const byLink = await eventsOf(t, async () => t.auth.changePassword(await t.auth.resetLinkHolder(link), { newPassword: "a fourth horse battery staple" }));
    expect(byLink).toEqual([expect.objectContaining({ type: "password.changed", data: { userId: s.user.id, how: "reset_link" } })]);
  });

  it("factor.added and factor.removed, by the holder and by an admin's reset", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const principal = await t.auth.authenticate(s.token);
    const started = await t.auth.startTotp(principal, { name: "Pixel" });
    const added = await eventsOf(t, () => t.auth.confirmTotp(principal, { factorId: started.factorId, code: appCode(started.secret) }));
    expect(added).toEqual([expect.objectContaining({ type: "factor.added", data: { userId: s.user.id, factorId: started.factorId, kind: "totp" } })]);
    const removed = await eventsOf(t, () => t.auth.removeFactor(principal, started.factorId));
    expect(removed).toEqual([
      expect.objectContaining({ type: "factor.removed", data: { userId: s.user.id, factorId: started.factorId, kind: "totp", reason: "removed_by_user" } }),
    ]);

    clock.advanceSec(30);
    const again = await t.auth.startTotp(principal, { name: "Pixel" });
    await t.auth.confirmTotp(principal, { factorId: again.factorId, code: appCode(again.secret) });
    const root = await signUp(t.auth, { email: "root@example.com", username: "root" });
    await t.auth.grantAdminFromCli("root");
    const admin = await t.auth.authenticate(root.token);
    const reset = await eventsOf(t, () => t.auth.adminResetFactors(admin, s.user.id));
    expect(reset).toEqual([expect.objectContaining({ type: "factor.removed", data: { userId: s.user.id, reason: "admin_reset", count: 1 } })]);
    // Nothing left to remove: nothing removed, no event.
    expect(await eventsOf(t, () => t.auth.adminResetFactors(admin, s.user.id))).toEqual([]);
  });
});

describe("events: lockouts", () => {
  it("wrong passwords, wrong codes, a PIN locked: each lockout once", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const { max: passwordMax } = t.auth.options.limits.loginFailuresPerIdentifier;
    const wrongPasswords = await eventsOf(t, async () => {
      for (let i = 0; i < passwordMax; i++) await authError(t.auth.loginWithPassword({ identifier: EMAIL, password: `wrong password ${i}` }, jwt, owner));
    });
    expect(wrongPasswords).toEqual([expect.objectContaining({ type: "lockout", data: { userId: s.user.id, what: "password", retryAfterSec: expect.any(Number) } })]);

    await t.auth.requestPhoneCode({ phone: "0881829916", createIfMissing: true });
    const phoneUser = (await events(t)).at(-1)!.data.userId;
    const wrongCodes = await eventsOf(t, async () => {
      for (let i = 0; i < t.auth.options.code.maxAttempts; i++) await authError(t.auth.loginWithPhoneCode({ phone: "0881829916", code: "000000" }, jwt, owner));
    });
    expect(wrongCodes).toEqual([
      expect.objectContaining({ type: "lockout", data: { userId: phoneUser, what: "code", purpose: "login", retryAfterSec: expect.any(Number) } }),
    ]);

    const principal = await t.auth.authenticate(s.token);
    await t.auth.setPin(principal, { pin: "480215" });
    const pin = await eventsOf(t, async () => {
      for (let i = 0; i < t.auth.options.pin.maxFailures; i++) await authError(t.auth.reloginWithPin(principal, "975310"));
    });
    expect(pin).toEqual([expect.objectContaining({ type: "lockout", data: { userId: s.user.id, what: "pin" } })]);
  });

  it("wrong second steps fill the requester's budget: a lockout", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    const principal = await t.auth.authenticate(s.token);
    const started = await t.auth.startTotp(principal, { name: "Pixel" });
    await t.auth.confirmTotp(principal, { factorId: started.factorId, code: appCode(started.secret) });
    const { max } = t.auth.options.limits.secondFactorFailures;
    const ticket = async () => (await authError(t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, jwt, owner))).detail.ticket!;
    const wrong = await eventsOf(t, async () => {
      let current = await ticket();
      for (let i = 0; i < max; i++) {
        const e = await authError(t.auth.signInSecondStep({ ticket: current, recoveryCode: "aaaaa-bbbbb" }, jwt, owner));
        if (e.detail.attemptsLeft === 0 || e.code === "SECOND_STEP_EXPIRED") current = await ticket();
      }
    });
    expect(wrong.filter((e) => e.type === "lockout")).toEqual([
      expect.objectContaining({ data: { userId: s.user.id, what: "second_factor", retryAfterSec: expect.any(Number) } }),
    ]);
  });

  it("a code lockout for a number with no account: the same event, with no user", async () => {
    const t = eventsAuth();
    await t.auth.requestPhoneCode({ phone: PHONE, createIfMissing: false });
    const wrong = await eventsOf(t, async () => {
      for (let i = 0; i < t.auth.options.code.maxAttempts; i++) await authError(t.auth.loginWithPhoneCode({ phone: PHONE, code: "000000" }, jwt, owner));
    });
    expect(wrong).toEqual([expect.objectContaining({ type: "lockout", data: { userId: null, what: "code", purpose: "login", retryAfterSec: expect.any(Number) } })]);
  });
});

describe("events: what is never written", () => {
  it("a change rolled back leaves no event: a sign-up asking for a role it does not hold makes no user", async () => {
    const t = eventsAuth();
    const pending = await t.auth.startRegistration({ email: EMAIL, password: PASSWORD });
    const code = await lastCode(t.auth, EMAIL);
    const e = await authError(t.auth.completeRegistration({ verificationId: pending.verificationId, code }, { type: "jwt", role: "admin" }));
    expect(e.code).toBe("ROLE_NOT_HELD");
    expect(await t.sql.all("SELECT id FROM users")).toEqual([]);
    expect(await events(t)).toEqual([]);
  });

  it("an audited fact in a transaction that throws: neither the audit row nor its event stays", async () => {
    const t = eventsAuth();
    const user = await t.auth.createAccount({ phone: PHONE });
    const before = await events(t);
    await expect(
      transaction(t.auth.ctx, async (tx) => {
        await audit(tx, { kind: "password_changed", userId: user.id, detail: { how: "change" } });
        expect((await tx.store.audit.list({ kind: "password_changed", limit: 10 })).length).toBe(1);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await events(t)).toEqual(before);
    expect(await t.sql.all("SELECT id FROM audit_events WHERE kind = 'password_changed'")).toEqual([]);
  });

  it("with no webhook configured, the same flows write no event row at all", async () => {
    const t = createTestAuth();
    expect(t.auth.options.events).toBeNull();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
    await phoneSignIn(t.auth, PHONE);
    await t.auth.logout(await t.auth.authenticate(s.token));
    expect(await t.sql.all("SELECT id FROM outbox WHERE channel = 'event'")).toEqual([]);
  });

  it("the dev outbox never shows an event, by destination or in full", async () => {
    const t = eventsAuth();
    await signUp(t.auth, { email: EMAIL, username: "ana" });
    await phoneSignIn(t.auth, PHONE);
    expect((await events(t)).length).toBeGreaterThan(3);
    const shown = await t.auth.listOutbox();
    expect(shown.map((m) => m.channel).sort()).toEqual(["email", "sms"]);
    expect(await t.auth.listOutbox("webhook")).toEqual([]);
  });

  it("no contact, code, token or password in any event, and only the documented types", async () => {
    const t = eventsAuth();
    const s = await signUp(t.auth, { email: EMAIL, username: "ana", phone: PHONE });
    const p = await phoneSignIn(t.auth, PHONE);
    await t.auth.logout(await t.auth.authenticate(p.token));
    const rows = await eventRows(t);
    const secrets = [EMAIL, "ana@", E164, PHONE, s.token, p.token, PASSWORD, ...(await t.auth.listOutbox()).map((m) => m.code!).filter(Boolean)];
    for (const { row, body } of rows) {
      expect(EVENT_TYPES).toContain(body.type);
      for (const secret of secrets) expect(String(row.text)).not.toContain(secret);
      for (const value of Object.values(body.data)) expect(["string", "number", "boolean"].includes(typeof value) || value === null).toBe(true);
    }
  });
});
