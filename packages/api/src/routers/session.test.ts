import { describe, expect, it, vi } from "vitest";
import { expectTrpcError, expectWireError, MINUTE, PASSWORD, realTimersAfterEach, setup, type Harness } from "../test/harness";

const signIn = async (h: Harness, identifier = "ana@example.com") =>
  (await h.caller().auth.loginWithPassword({ identifier, password: PASSWORD })) as { accessToken: string; sessionId: string; user: { id: number } };

realTimersAfterEach();

describe("auth.renew", () => {
  it("rotates: a new token for the same session; the old token coming back closes the session", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const res = await h.mutate("auth.renew", { accessToken: s.accessToken });
    expect(res.status, res.text).toBe(200);
    const renewed = res.body.result.data;
    expect(renewed).toMatchObject({ tokenType: "Bearer", sessionId: s.sessionId, user: { id: s.user.id } });
    expect(renewed.accessToken).not.toBe(s.accessToken);
    expect(renewed.expiresIn).toBeGreaterThanOrEqual(895);
    expect((await h.query("user.me", undefined, { token: renewed.accessToken })).status).toBe(200);

    const reuse = await h.mutate("auth.renew", { accessToken: s.accessToken });
    const err = expectWireError(reuse, 401, "TOKEN_REUSED");
    expect(err.data.code).toBe("UNAUTHORIZED");

    // The session is gone: neither token works any more, and the newer one cannot renew.
    expectWireError(await h.query("user.me", undefined, { token: renewed.accessToken }), 401, "UNAUTHORIZED");
    expectWireError(await h.query("user.me", undefined, { token: s.accessToken! }), 401, "UNAUTHORIZED");
    expectWireError(await h.mutate("auth.renew", { accessToken: renewed.accessToken }), 401, "UNAUTHORIZED");
    expect((await h.auditRows()).some((r) => r.kind === "token_reuse")).toBe(true);
  });

  it("renews an expired access token while its session lives", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    vi.setSystemTime(Date.now() + 16 * MINUTE);
    expectWireError(await h.query("user.me", undefined, { token: s.accessToken! }), 401, "UNAUTHORIZED");
    const renewed = await h.caller().auth.renew({ accessToken: s.accessToken! });
    expect(renewed.sessionId).toBe(s.sessionId);
    expect((await h.caller(renewed.accessToken).user.me()).id).toBe(s.user.id);
  });

  it("refuses a garbage token, and the token of a session that was logged out", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    expectWireError(await h.mutate("auth.renew", { accessToken: "garbage" }), 401, "UNAUTHORIZED");
    expectWireError(await h.mutate("auth.renew", { accessToken: s.accessToken!.slice(0, -2) + "xx" }), 401, "UNAUTHORIZED");
    await h.caller(s.accessToken).auth.logout();
    await expectTrpcError(h.caller().auth.renew({ accessToken: s.accessToken! }), "UNAUTHORIZED", "UNAUTHORIZED");
  });
});

describe("auth.logout", () => {
  it("the token stops working at once; other sessions go on", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const other = await signIn(h);
    const res = await h.mutate("auth.logout", undefined, { token: s.accessToken! });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ ok: true });
    expect(res.headers.get("set-cookie")).toBeNull();

    expectWireError(await h.query("user.me", undefined, { token: s.accessToken! }), 401, "UNAUTHORIZED");
    expectWireError(await h.mutate("auth.logout", undefined, { token: s.accessToken! }), 401, "UNAUTHORIZED");
    expect((await h.query("user.me", undefined, { token: other.accessToken })).status).toBe(200);
  });

  it("needs a sign-in", async () => {
    const h = setup();
    expectWireError(await h.mutate("auth.logout"), 401, "UNAUTHORIZED");
    await expectTrpcError(h.caller().auth.logout(), "UNAUTHORIZED", "UNAUTHORIZED");
  });
});

describe("session.list", () => {
  it("lists the user's live sessions and marks the current one", async () => {
    const h = setup();
    const first = await h.registerAndVerify({ email: "ana@example.com" });
    const second = await signIn(h);
    await h.registerAndVerify({ email: "bo@example.com" });

    const res = await h.query("session.list", undefined, { token: second.accessToken });
    expect(res.status, res.text).toBe(200);
    const list = res.body.result.data as { id: string; current: boolean; kind: string; ip: string | null; userAgent: string | null }[];
    expect(list.map((x) => x.id).sort()).toEqual([first.sessionId, second.sessionId].sort());
    expect(list.find((x) => x.id === second.sessionId)).toMatchObject({ current: true, kind: "api", ip: "203.0.113.5", userAgent: "vitest" });
    expect(list.find((x) => x.id === first.sessionId)).toMatchObject({ current: false, ip: "127.0.0.1" });
    expect(res.text).not.toMatch(/token|hash/i);

    const fromFirst = await h.caller(first.accessToken).session.list();
    expect(fromFirst.filter((x) => x.current).map((x) => x.id)).toEqual([first.sessionId]);
  });

  it("needs a sign-in", async () => {
    const h = setup();
    expectWireError(await h.query("session.list"), 401, "UNAUTHORIZED");
  });
});

describe("session.revoke", () => {
  it("revokes one of one's own sessions", async () => {
    const h = setup();
    const first = await h.registerAndVerify({ email: "ana@example.com" });
    const second = await signIn(h);
    const res = await h.mutate("session.revoke", { sessionId: first.sessionId }, { token: second.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ ok: true });
    expectWireError(await h.query("user.me", undefined, { token: first.accessToken! }), 401);
    expect((await h.caller(second.accessToken).session.list()).map((x) => x.id)).toEqual([second.sessionId]);
    // Already revoked: not found.
    expectWireError(await h.mutate("session.revoke", { sessionId: first.sessionId }, { token: second.accessToken }), 404, "NOT_FOUND");
  });

  it("another user's session answers 404 NOT_FOUND and stays alive", async () => {
    const h = setup();
    const ana = await h.registerAndVerify({ email: "ana@example.com" });
    const bo = await h.registerAndVerify({ email: "bo@example.com" });
    const res = await h.mutate("session.revoke", { sessionId: bo.sessionId }, { token: ana.accessToken! });
    const err = expectWireError(res, 404, "NOT_FOUND");
    expect(err.data.code).toBe("NOT_FOUND");
    const unknown = await h.mutate("session.revoke", { sessionId: "no-such-session" }, { token: ana.accessToken! });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.data.authCode).toBe(err.data.authCode);
    expect((await h.query("user.me", undefined, { token: bo.accessToken! })).status).toBe(200);
  });

  it("revoking the current session signs this token out", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    await h.caller(s.accessToken).session.revoke({ sessionId: s.sessionId });
    await expectTrpcError(h.caller(s.accessToken).user.me(), "UNAUTHORIZED");
  });
});

describe("session.revokeAll", () => {
  it("by default signs out every other session and keeps the current one", async () => {
    const h = setup();
    const first = await h.registerAndVerify({ email: "ana@example.com" });
    const second = await signIn(h);
    const third = await signIn(h);
    const bo = await h.registerAndVerify({ email: "bo@example.com" });

    const res = await h.mutate("session.revokeAll", undefined, { token: third.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.data).toEqual({ revoked: 2 });
    expectWireError(await h.query("user.me", undefined, { token: first.accessToken! }), 401);
    expectWireError(await h.query("user.me", undefined, { token: second.accessToken }), 401);
    expect((await h.query("user.me", undefined, { token: third.accessToken })).status).toBe(200);
    expect((await h.query("user.me", undefined, { token: bo.accessToken! })).status).toBe(200);
  });

  it("with keepCurrent false signs out this session too", async () => {
    const h = setup();
    const first = await h.registerAndVerify({ email: "ana@example.com" });
    const second = await signIn(h);
    expect(await h.caller(second.accessToken).session.revokeAll({ keepCurrent: false })).toEqual({ revoked: 2 });
    await expectTrpcError(h.caller(first.accessToken).user.me(), "UNAUTHORIZED");
    await expectTrpcError(h.caller(second.accessToken).user.me(), "UNAUTHORIZED");
  });
});
