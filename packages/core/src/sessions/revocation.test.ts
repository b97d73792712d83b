import { describe, expect, it } from "vitest";
import type { TokenRequest } from "../flows/sign-in";
import { authError, fakeClockEachTest, PASSWORD, signUp } from "../test-helpers";
import { createTestAuth } from "../testing";

const EMAIL = "ana@example.com";
const TYPES: TokenRequest[] = [{ type: "jwt" }, { type: "bearer" }, { type: "cookie" }];

const clock = fakeClockEachTest();

async function withUser() {
  const t = createTestAuth();
  const first = await signUp(t.auth, { email: EMAIL });
  const login = (tr: TokenRequest = { type: "jwt" }) => t.auth.loginWithPassword({ identifier: EMAIL, password: PASSWORD }, tr);
  return { ...t, first, login };
}

const unauthorized = async (auth: ReturnType<typeof createTestAuth>["auth"], token: string) =>
  (await authError(auth.authenticate(token))).code === "UNAUTHORIZED";

describe("revocation stops tokens at once", () => {
  it.each(TYPES)("logout: a $type token stops authenticating", async (tr) => {
    const t = await withUser();
    const s = await t.login(tr);
    const p = (await t.auth.authenticate(s.token));
    expect(p).toMatchObject({ via: tr.type, scope: "full", session: { id: s.session.id } });
    (await t.auth.logout(p));
    expect(await unauthorized(t.auth, s.token)).toBe(true);
    // Other sessions are untouched.
    expect((await t.auth.authenticate(t.first.token)).user.id).toBe(s.user.id);
  });

  it.each(TYPES)("revokeSession from another device: a $type token stops authenticating", async (tr) => {
    const t = await withUser();
    const s = await t.login(tr);
    (await t.auth.revokeSession((await t.auth.authenticate(t.first.token)), s.session.id));
    expect(await unauthorized(t.auth, s.token)).toBe(true);
  });

  it("revokeAllSessions can keep the current one, or not", async () => {
    const t = await withUser();
    const [jwt, bearer, cookie] = await Promise.all(TYPES.map((tr) => t.login(tr)));
    expect((await t.auth.revokeAllSessions((await t.auth.authenticate(jwt!.token)), { keepCurrent: true }))).toBe(3);
    expect((await t.auth.authenticate(jwt!.token)).user.id).toBe(jwt!.user.id);
    for (const token of [bearer!.token, cookie!.token, t.first.token]) expect(await unauthorized(t.auth, token)).toBe(true);

    expect((await t.auth.revokeAllSessions((await t.auth.authenticate(jwt!.token)), { keepCurrent: false }))).toBe(1);
    expect(await unauthorized(t.auth, jwt!.token)).toBe(true);
  });
});

describe("listSessions / revokeSession", () => {
  it("lists only the user's live sessions and marks the current one", async () => {
    const t = await withUser();
    const phone = await t.login({ type: "bearer" });
    const bo = await signUp(t.auth, { email: "bo@example.com" });
    const list = (await t.auth.listSessions((await t.auth.authenticate(phone.token))));
    expect(list.map((s) => s.id).sort()).toEqual([t.first.session.id, phone.session.id].sort());
    expect(list.find((s) => s.current)!.id).toBe(phone.session.id);
    expect(list.map((s) => s.id)).not.toContain(bo.session.id);

    (await t.auth.revokeSession((await t.auth.authenticate(phone.token)), t.first.session.id));
    expect((await t.auth.listSessions((await t.auth.authenticate(phone.token)))).map((s) => s.id)).toEqual([phone.session.id]);
  });

  it("answers NOT_FOUND for another user's session id, and leaves that session alone", async () => {
    const t = await withUser();
    const bo = await signUp(t.auth, { email: "bo@example.com" });
    const e = (await authError(t.auth.revokeSession(await t.auth.authenticate(t.first.token), bo.session.id)));
    expect(e.code).toBe("NOT_FOUND");
    expect((await t.auth.authenticate(bo.token)).user.email).toBe("bo@example.com");
    expect((await authError(t.auth.revokeSession(await t.auth.authenticate(t.first.token), "no-such-session"))).code).toBe("NOT_FOUND");
  });
});

describe("token lifetimes and forgeries", () => {
  it("a bearer token lasts 24 hours, a cookie as long as the session", async () => {
    const t = await withUser();
    const bearer = await t.login({ type: "bearer" });
    const cookie = await t.login({ type: "cookie" });
    expect(cookie.expiresAt).toBe(cookie.session.expiresAt);
    clock.advanceSec(24 * 3600);
    expect(await unauthorized(t.auth, bearer.token)).toBe(true);
    expect((await t.auth.authenticate(cookie.token)).via).toBe("cookie");
    clock.advanceSec(29 * 24 * 3600);
    expect(await unauthorized(t.auth, cookie.token)).toBe(true);
  });

  it("refuses a JWT with alg none, a changed payload, or a changed signature", async () => {
    const t = await withUser();
    const [h, p, sig] = t.first.token.split(".") as [string, string, string];
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const header = JSON.parse(Buffer.from(h, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    expect((await t.auth.authenticate(`${h}.${p}.${sig}`)).user.id).toBe(t.first.user.id);
    expect(await unauthorized(t.auth, `${b64({ ...header, alg: "none" })}.${p}.`)).toBe(true);
    expect(await unauthorized(t.auth, `${h}.${b64({ ...claims, exp: claims.exp + 3600 })}.${sig}`)).toBe(true);
    expect(await unauthorized(t.auth, `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`)).toBe(true);
    expect(await unauthorized(t.auth, "")).toBe(true);
    expect(await unauthorized(t.auth, "not-a-token")).toBe(true);
  });
});
