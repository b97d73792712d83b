import { describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { auditOf, authError, fakeClockEachTest, PASSWORD, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

const EMAIL = "ana@example.com";
const DAY = 24 * 3600;

const clock = fakeClockEachTest();

/** A door's extra claims, registered as a REST family registers its own. */
const PROFILE = "door";
const withProfile = <T extends ReturnType<typeof createTestAuth>>(t: T): T => {
  t.auth.registerClaimsProfile(PROFILE, (u) => ({ handle: u.username, held: u.role }));
  return t;
};

async function signedIn() {
  const t = createTestAuth();
  const s = await signUp(t.auth, { email: EMAIL, username: "ana" });
  return { ...t, ...s };
}

describe("access token lifetime", () => {
  it("expires after 15 minutes: authenticate answers UNAUTHORIZED", async () => {
    const t = await signedIn();
    expect(decodeJwt(t.token).exp! - decodeJwt(t.token).iat!).toBe(900);
    clock.advanceSec(899);
    expect((await t.auth.authenticate(t.token)).user.id).toBe(t.user.id);
    clock.advanceSec(1);
    expect((await authError((t.auth.authenticate(t.token)))).code).toBe("UNAUTHORIZED");
  });

  it("can still be renewed after it expired, while the 30-day session lives, and not after", async () => {
    const t = await signedIn();
    clock.advanceSec(3600);
    const renewed = await t.auth.renewAccessToken(t.token);
    expect((await t.auth.authenticate(renewed.token)).session!.id).toBe(t.session.id);
    expect(renewed.expiresAt).toBe(Date.now() + 900_000);

    clock.advanceSec(30 * DAY - 3600 - 60);
    const late = await t.auth.renewAccessToken(renewed.token);
    expect((await t.auth.authenticate(late.token)).user.id).toBe(t.user.id);

    clock.advanceSec(60);
    expect((await authError(t.auth.renewAccessToken(late.token))).code).toBe("UNAUTHORIZED");
    expect((await authError((t.auth.authenticate(late.token)))).code).toBe("UNAUTHORIZED");
  });
});

describe("renewAccessToken", () => {
  it("gives a new token for the same session and keeps the claims", async () => {
    const t = withProfile(createTestAuth());
    await signUp(t.auth, { email: EMAIL, username: "ana" });
    const s = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "customer", profile: PROFILE });
    clock.advanceSec(5);
    const renewed = await t.auth.renewAccessToken(s.token);
    expect(renewed.token).not.toBe(s.token);
    const before = decodeJwt(s.token);
    const after = decodeJwt(renewed.token);
    expect(after).toMatchObject({ sub: before.sub, sid: before.sid, role: "customer", cpr: PROFILE, handle: "ana", held: "user" });
    expect(after.iat).toBe(before.iat! + 5);
    expect(await auditOf(t, "session_renewed")).toHaveLength(1);
  });

  it("rotates: the old token renewing again is TOKEN_REUSED and closes the session", async () => {
    const t = await signedIn();
    const renewed = await t.auth.renewAccessToken(t.token);
    const e = await authError(t.auth.renewAccessToken(t.token));
    expect(e.code).toBe("TOKEN_REUSED");

    expect((await authError((t.auth.authenticate(renewed.token)))).code).toBe("UNAUTHORIZED");
    expect((await authError(t.auth.renewAccessToken(renewed.token))).code).toBe("UNAUTHORIZED");
    const row = (await t.store.sessions.byId(t.session.id))!;
    expect(row).toMatchObject({ revokedAt: Date.now(), revokedReason: "token_reuse" });
    expect(await auditOf(t, "token_reuse")).toHaveLength(1);
  });

  it("renews along a chain: each new token renews once", async () => {
    const t = await signedIn();
    let token = t.token;
    for (let i = 0; i < 3; i++) {
      clock.advanceSec(1000);
      token = (await t.auth.renewAccessToken(token)).token;
    }
    expect((await t.auth.authenticate(token)).user.id).toBe(t.user.id);
  });

  it("refuses a token after logout, a tampered token, a foreign token and an opaque token", async () => {
    // Another service (another secret), made first: on PostgreSQL a test's newest store is the live one.
    const foreign = createTestAuth({ secret: "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz" });
    const theirs = await signUp(foreign.auth, { email: EMAIL });
    const t = await signedIn();
    const [h, p, sig] = t.token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "2" })).toString("base64url")}.${sig}`;
    expect((await authError(t.auth.renewAccessToken(forged))).code).toBe("UNAUTHORIZED");

    expect((await authError(t.auth.renewAccessToken(theirs.token))).code).toBe("UNAUTHORIZED");

    const bearer = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "bearer" });
    expect((await authError(t.auth.renewAccessToken(bearer.token))).code).toBe("UNAUTHORIZED");

    (await t.auth.logout((await t.auth.authenticate(t.token))));
    expect((await authError(t.auth.renewAccessToken(t.token))).code).toBe("UNAUTHORIZED");
  });

  it("does not keep a role the user no longer holds", async () => {
    const t = await signedIn();
    await t.store.users.update(t.user.id, { role: "admin" });
    const admin = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "admin" });
    expect(decodeJwt(admin.token).role).toBe("admin");
    await t.store.users.update(t.user.id, { role: "user" });

    // A role is a wish checked against what the user holds; renewal must not turn an old grant into a lasting one.
    const renewed = await t.auth.renewAccessToken(admin.token);
    expect(decodeJwt(renewed.token).role).toBe("user");
  });

  it("re-reads the role from the user row: a role no longer held renews as the user's current role", async () => {
    const t = await signedIn();
    await t.store.users.update(t.user.id, { role: "admin" });
    const admin = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "admin" });
    await t.store.users.update(t.user.id, { role: "customer" });

    const renewed = await t.auth.renewAccessToken(admin.token);
    expect(decodeJwt(renewed.token).role).toBe("customer");
    // A role still held is kept: "user" is held by every account.
    const asUser = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "user" });
    expect(decodeJwt((await t.auth.renewAccessToken(asUser.token)).token).role).toBe("user");
  });

  it("applies the token's claims profile again to the user as it is now, and adds none to a token without one", async () => {
    const t = withProfile(await signedIn());
    await t.store.users.update(t.user.id, { role: "admin" });
    const s = await t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, { type: "jwt", role: "customer", profile: PROFILE });
    expect(decodeJwt(s.token)).toMatchObject({ role: "customer", cpr: PROFILE, handle: "ana", held: "admin" });
    await t.store.users.update(t.user.id, { role: "customer", username: "ana2" });

    const after = decodeJwt((await t.auth.renewAccessToken(s.token)).token);
    expect(after).toMatchObject({ role: "customer", cpr: PROFILE, handle: "ana2", held: "customer" });

    const plain = decodeJwt((await t.auth.renewAccessToken(t.token)).token);
    for (const claim of ["cpr", "handle", "held"]) expect(plain).not.toHaveProperty(claim);
  });
});
