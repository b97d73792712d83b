import { describe, expect, it } from "vitest";
import { retryPending } from "../delivery/deliver";
import { renderMessage } from "../delivery/templates";
import { auditOf, authError, lastCode, outboxRows, phoneSignIn, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

/**
 * The phone trap (issue 19, "The honest owner is never stranded"): someone signs up with
 * email, password and phone, proves the email, and later logs in by SMS code. The phone was
 * never proven and the account is controlled otherwise, so the proof moves the phone to a new
 * account. The prover must be told, the owner must be told, and the audit must not say "fail".
 */
const EMAIL = "ana@example.com";
const detailOf = (row: Record<string, unknown> | undefined) => (typeof row?.detail === "string" ? JSON.parse(row.detail) : row?.detail);
const PHONE = "081234567890";
const E164 = "+6281234567890";

describe("a proof that moves a claim off an account (proveClaim's drop branch)", () => {
  it("flags the sign-in, notifies the owner by email without any secret, and audits it as ok", async () => {
    const t = createTestAuth();
    const { auth } = t;
    const owner = (await signUp(auth, { email: EMAIL, phone: PHONE })).user;
    expect(owner.phone).toBe(E164);
    expect(owner.phoneVerifiedAt).toBeNull();

    const signedIn = await phoneSignIn(auth, PHONE);
    expect(signedIn.claimMoved).toBe("phone");
    expect(signedIn.user.id).not.toBe(owner.id);
    expect(signedIn.user.phone).toBe(E164);
    expect((await t.store.users.byId(owner.id))!.phone).toBeNull();

    const notices = (await auth.listOutbox(EMAIL)).filter((m) => m.purpose === "claim_removed");
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    expect(notice).toMatchObject({ channel: "email", code: null, subject: "An unverified phone number was removed from your account" });
    expect(notice.text).toContain("+62********890");
    expect(notice.text).toContain("add it to your account again and verify it");
    // No secret and not the whole number: no code, no password, no token.
    expect(notice.text).not.toContain(E164);
    expect(notice.text).not.toMatch(/\d{6}/);
    expect(notice.text).not.toContain(signedIn.token);

    // Queued in the proof's transaction with its claim lapsed: the worker's next pass sends it.
    expect((await outboxRows(t)).find((r) => r.purpose === "claim_removed")!.status).toBe("sending");
    await retryPending(auth.ctx);
    expect((await outboxRows(t)).find((r) => r.purpose === "claim_removed")!.status).toBe("sent");

    const [dropped] = await auditOf(t, "claim_dropped");
    expect(dropped).toMatchObject({ outcome: "ok", user_id: owner.id });
    expect(detailOf(dropped)).toEqual({ channel: "phone", noticeBy: "email" });
    // Nothing went to the moved number about the owner's account.
    expect((await auth.listOutbox(E164)).map((m) => m.purpose)).toEqual(["login"]);
  });

  it("a phone proven after sign-up signs into the same account: no flag, no notice", async () => {
    const t = createTestAuth();
    const { auth } = t;
    const owner = (await signUp(auth, { email: EMAIL, phone: PHONE })).user;
    await auth.sendContactVerification(owner, "phone");
    await auth.confirmContactVerification(owner, "phone", await lastCode(auth, E164));

    const signedIn = await phoneSignIn(auth, PHONE);
    expect(signedIn.user.id).toBe(owner.id);
    expect(signedIn.user.email).toBe(EMAIL);
    expect(signedIn.claimMoved).toBeUndefined();
    expect((await auth.listOutbox(EMAIL)).some((m) => m.purpose === "claim_removed")).toBe(false);
    expect(await auditOf(t, "claim_dropped")).toEqual([]);
  });

  it("the other direction: an email proven away from an account with a proven phone tells the owner by SMS", async () => {
    const t = createTestAuth();
    const { auth } = t;
    const owner = await auth.createAccount({ email: EMAIL, phone: PHONE });
    expect((await phoneSignIn(auth, PHONE)).user.id).toBe(owner.id); // the phone is now proven, the email not

    await auth.sendEmailVerification(EMAIL);
    const signedIn = await auth.verifyEmailAndSignIn({ email: EMAIL, code: await lastCode(auth, EMAIL) }, { type: "jwt" });
    expect(signedIn.claimMoved).toBe("email");
    expect(signedIn.user.id).not.toBe(owner.id);

    const [sms] = (await auth.listOutbox(E164)).filter((m) => m.purpose === "claim_removed");
    expect(sms).toMatchObject({ channel: "sms", code: null, subject: null });
    expect(sms!.text).toContain("The email address a**@example.com was on your account");
    expect(sms!.text).not.toContain(EMAIL);
  });

  it("an owner with no proven channel gets nothing, and the audit says so", async () => {
    const t = createTestAuth();
    const { auth } = t;
    // A PIN is control without a proven channel.
    const owner = await auth.createAccount({ phone: PHONE, username: "ana" });
    await t.store.credentials.resetPin(owner.id, "$argon2id$not-a-real-hash", Date.now());

    const signedIn = await phoneSignIn(auth, PHONE);
    expect(signedIn.claimMoved).toBe("phone");
    expect((await outboxRows(t)).some((r) => r.purpose === "claim_removed")).toBe(false);
    const [dropped] = await auditOf(t, "claim_dropped");
    expect(detailOf(dropped)).toEqual({ channel: "phone", noticeBy: null });
  });

  it("a proof whose transaction fails leaves the claim where it was and sends no notice", async () => {
    const t = createTestAuth();
    const { auth } = t;
    const owner = (await signUp(auth, { email: EMAIL, phone: PHONE })).user;
    await auth.requestPhoneCode({ phone: PHONE, createIfMissing: true });
    // Asking for a role nobody holds fails inside the transaction, after proveClaim ran.
    const err = await authError(auth.loginWithPhoneCode({ phone: PHONE, code: await lastCode(auth, PHONE) }, { type: "jwt", role: "admin" }));
    expect(err.code).toBe("ROLE_NOT_HELD");
    expect((await t.store.users.byId(owner.id))!.phone).toBe(E164);
    expect((await outboxRows(t)).some((r) => r.purpose === "claim_removed")).toBe(false);
    expect(await auditOf(t, "claim_dropped")).toEqual([]);
  });
});

describe("the claim_removed notice", () => {
  it("reads in English and Indonesian, for a phone and for an email", () => {
    const en = renderMessage("claim_removed", "en", { removed: "phone", masked: "+62********890", minutes: 0 });
    expect(en.subject).toBe("An unverified phone number was removed from your account");
    expect(en.text).toContain("+62********890");
    expect(en.html).toContain('lang="en"');
    const id = renderMessage("claim_removed", "id", { removed: "email", masked: "a**@example.com", minutes: 0 });
    expect(id.subject).toBe("Alamat email yang belum terverifikasi dihapus dari akun Anda");
    expect(id.text).toContain("a**@example.com");
    expect(id.text).toContain("verifikasi");
  });
});
