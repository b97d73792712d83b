import { describe, expect, it } from "vitest";
import { setup, type Wire } from "./test/harness";

/**
 * user.me and session.list skip tRPC's fetch adapter in the plain case (fast-queries.ts). Any
 * query string sends a request through the adapter, which ignores parameters other than
 * `input` and `batch`: so the two answers must be the same, byte for byte.
 */
const same = (fast: Wire, adapter: Wire) => {
  expect(fast.status).toBe(adapter.status);
  expect(fast.text).toBe(adapter.text);
  expect([...fast.headers]).toEqual([...adapter.headers]);
};

describe("input-less queries answered without the fetch adapter", () => {
  it.each(["user.me", "session.list"])("%s answers exactly as through the adapter, signed in by header or cookie", async (name) => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const get = (suffix: string, headers: Record<string, string>) => h.raw(`/api/trpc/${name}${suffix}`, { headers });
    const bearer = { authorization: `Bearer ${s.accessToken}`, "user-agent": "vitest" };
    const fast = await get("", bearer);
    expect(fast.status).toBe(200);
    same(fast, await get("?via=adapter", bearer));

    const web = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: "correct horse battery staple", delivery: "cookie" });
    const cookie = { cookie: web.headers.get("set-cookie")!.split(";")[0]!, "user-agent": "vitest" };
    same(await get("", cookie), await get("?via=adapter", cookie));
  });

  it.each([
    ["no credential", {}],
    ["a malformed token", { authorization: "Bearer e30.e30.e30" }],
    ["an unknown cookie", { cookie: "authsvc_session=not-a-session" }],
  ])("fails exactly as through the adapter with %s", async (_name, headers: Record<string, string>) => {
    const h = setup();
    const fast = await h.raw("/api/trpc/user.me", { headers });
    expect(fast.status).toBe(401);
    same(fast, await h.raw("/api/trpc/user.me?via=adapter", { headers }));
  });

  it("answers a revoked session's token as the adapter does", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const headers = { authorization: `Bearer ${s.accessToken}` };
    expect((await h.mutate("auth.logout", {}, { token: s.accessToken! })).status).toBe(200);
    const fast = await h.raw("/api/trpc/user.me", { headers });
    expect(fast.status).toBe(401);
    same(fast, await h.raw("/api/trpc/user.me?via=adapter", { headers }));
  });

  it("leaves other methods, batches and streaming to the adapter", async () => {
    const h = setup();
    const s = await h.registerAndVerify({ email: "ana@example.com" });
    const headers = { authorization: `Bearer ${s.accessToken}` };
    const post = await h.raw("/api/trpc/user.me", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: "{}" });
    expect(post.status).toBe(405);
    const batch = await h.raw(`/api/trpc/user.me?batch=1&input=${encodeURIComponent("{}")}`, { headers });
    expect(batch.status).toBe(200);
    expect(Array.isArray(batch.body)).toBe(true);
  });
});
