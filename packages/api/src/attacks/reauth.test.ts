/**
 * Issue 10, hole 5: password change without re-authentication. `PATCH /auth/update-password`
 * needs a session authenticated in the last 10 minutes (a login, a code or the reset link);
 * otherwise 401 in family 002's envelope. Renewing a token is not a sign-in.
 */
import { describe, expect, it } from "vitest";
import { expect002 } from "../testing";
import { advance, attackSetup, fakeDate, MINUTE, PASS, PASS2, realTimersAfterEach, resetLinkTokenIn, VICTIM_IP, VICTIM_MAIL, VICTIM_PHONE, type AttackHarness } from "./support";

realTimersAfterEach();

const update = (h: AttackHarness, token: string) => h.call(VICTIM_IP, "PATCH", "/auth/update-password", { new_password: PASS2 }, token);

/** The reset link's token from the newest reset email. */
const resetLinkToken = async (h: AttackHarness, email: string) => resetLinkTokenIn(await h.outbox(email));

describe("hole 5: PATCH /auth/update-password needs a recent sign-in", () => {
  it("a family 002 token whose session signed in 11 minutes ago gets 401 {error}; the password stays", async () => {
    fakeDate();
    const h = attackSetup();
    const token = await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    advance(11 * MINUTE);
    const res = await update(h, token);
    expect(res.status, `ATTACK WORKED: a stolen 11-minute-old token replaced the owner's password: ${res.text}`).toBe(401);
    expect002(res, 401);
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, PASS)).status, "the old password still logs in").toBe(200);
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, PASS2)).status).toBe(401);
  });

  it("within 10 minutes of the sign-in the change is allowed (200)", async () => {
    fakeDate();
    const h = attackSetup();
    const token = await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    advance(9 * MINUTE);
    expect002(await update(h, token), 200, "berhasil mengubah password");
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, PASS2)).status).toBe(200);
  });

  it("the reset link's token works later than 10 minutes after any login (within its 30 minutes)", async () => {
    fakeDate();
    const h = attackSetup();
    await h.emailUser002(VICTIM_IP, VICTIM_MAIL, PASS);
    advance(MINUTE);
    expect((await h.call(VICTIM_IP, "POST", "/auth/send-forgot-password", { email: VICTIM_MAIL })).status).toBe(200);
    const link = await resetLinkToken(h, VICTIM_MAIL);
    advance(20 * MINUTE);
    expect002(await update(h, link), 200, "berhasil mengubah password");
    expect((await h.login002(VICTIM_IP, VICTIM_MAIL, PASS2)).status).toBe(200);
  });

  it("a family 000 JWT renewed 11 minutes after login is not fresh: renewal is not a sign-in (401)", async () => {
    fakeDate();
    const h = attackSetup();
    // An account with a phone and a password: signed up by phone, password set while fresh.
    const { id, token } = await h.phoneLogin000(VICTIM_IP, VICTIM_PHONE);
    const set = await h.mutate(VICTIM_IP, "password.update", { newPassword: PASS }, token);
    expect(set.status, set.text).toBe(200);

    advance(11 * MINUTE);
    const renewed = await h.call(VICTIM_IP, "PATCH", `/api/v1/authorization/${id}/`, { mobile_number: VICTIM_PHONE, access_token: token });
    expect(renewed.status, renewed.text).toBe(200);
    const fresh = renewed.body.payload.data[0].access_token as string;
    expect(fresh).not.toBe(token);

    const res = await update(h, fresh);
    expect(res.status, `ATTACK WORKED: a renewed (not re-authenticated) token changed the password: ${res.text}`).toBe(401);
    expect002(res, 401);
    const login = await h.mutate(VICTIM_IP, "auth.loginWithPassword", { identifier: VICTIM_PHONE, password: PASS });
    expect(login.status, `the old password still logs in: ${login.text}`).toBe(200);
  });
});
