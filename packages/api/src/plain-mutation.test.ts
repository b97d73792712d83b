import { describe, expect, it } from "vitest";
import type { PlainAnswer, PlainBodyRequest } from "./http/plain";
import { PASSWORD, REMOTE, setup, type SetupOptions } from "./test/harness";

/**
 * A single JSON mutation skips tRPC's fetch adapter (plain-mutation.ts), through `fetch` and
 * through the server's own path (`mutation`). Any query string sends it through the adapter,
 * which ignores parameters other than `input` and `batch`: the answers must be the same, byte
 * for byte, errors and headers included. Each case runs on three services set up alike, as a
 * mutation changes what it touches.
 */
type Ask = { path: string; body: string | Uint8Array; headers?: Record<string, string> };
type Answer = { status: number; headers: [string, string][]; text: string };

const WAYS = ["fetch", "server", "adapter"] as const;

async function answer(h: ReturnType<typeof setup>, way: (typeof WAYS)[number], ask: Ask): Promise<Answer> {
  const headers = { "content-type": "application/json", "user-agent": "vitest", ...ask.headers };
  if (way === "server") {
    const bytes = typeof ask.body === "string" ? new TextEncoder().encode(ask.body) : ask.body;
    const plain: PlainBodyRequest = {
      method: "POST",
      pathname: ask.path,
      search: "",
      hasQuery: false,
      headers: new Headers({ host: "localhost", ...headers }),
      overTls: false,
      info: { remoteAddress: REMOTE },
      body: async (limit) => {
        if (bytes.byteLength > limit) throw new (await import("./http/request")).BodyTooLarge();
        return bytes;
      },
    };
    const a: PlainAnswer | undefined = await h.handler.mutation(plain);
    if (!a) throw new Error(`not a plain mutation: ${ask.path}`);
    return { status: a.status, headers: a.headers.map(([n, v]) => [n, v]), text: a.body };
  }
  const res = await h.raw(way === "adapter" ? `${ask.path}?via=adapter` : ask.path, { method: "POST", headers, body: ask.body });
  return { status: res.status, headers: [...res.headers].filter(([n]) => n !== "content-length"), text: res.text };
}

/** The three answers to `ask`, each from a service of its own prepared by `before`. */
async function threeWays(ask: Ask | ((h: ReturnType<typeof setup>) => Promise<Ask>), opts: SetupOptions = {}): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const way of WAYS) {
    const h = setup(opts);
    out.push(await answer(h, way, typeof ask === "function" ? await ask(h) : ask));
  }
  return out;
}

function expectSame([fetched, served, adapted]: Answer[], mask = (s: string) => s): void {
  for (const a of [fetched!, served!]) {
    expect(a.status).toBe(adapted!.status);
    expect(mask(a.text)).toBe(mask(adapted!.text));
    expect(a.headers.map(([n, v]) => [n, mask(v)])).toEqual(adapted!.headers.map(([n, v]) => [n, mask(v)]));
  }
}

const json = (v: unknown) => JSON.stringify(v);

describe("single mutations answered without the fetch adapter", () => {
  it("a success, an empty body and a body that is JSON but not an object", async () => {
    expectSame(await threeWays({ path: "/api/trpc/auth.checkPassword", body: json({ password: "password123" }) }));
    expectSame(await threeWays({ path: "/api/trpc/auth.checkPassword", body: "" }));
    expectSame(await threeWays({ path: "/api/trpc/auth.checkPassword", body: "null" }));
  });

  it("input the schema refuses", async () => {
    expectSame(await threeWays({ path: "/api/trpc/auth.loginWithPassword", body: json({ identifier: 5, password: [] }) }));
  });

  it("a body that is no JSON, or not UTF-8", async () => {
    expectSame(await threeWays({ path: "/api/trpc/auth.loginWithPassword", body: "{not json" }));
    expectSame(await threeWays({ path: "/api/trpc/auth.loginWithPassword", body: new Uint8Array([0xff, 0xfe, 0x7b]) }));
  });

  it("a body over the limit", async () => {
    expectSame(await threeWays({ path: "/api/trpc/auth.checkPassword", body: json({ password: "x".repeat(70_000) }) }));
  });

  it("a refusal from core, and one with Retry-After", async () => {
    const login = { path: "/api/trpc/auth.loginWithPassword", body: json({ identifier: "ana@example.com", password: "not the password at all" }) };
    expectSame(await threeWays(async (h) => (await h.registerAndVerify({ email: "ana@example.com" }), login)));
    const limited = { options: { limits: { loginPerIp: { max: 1, windowSec: 900 } } } };
    const answers = await threeWays(async (h) => {
      await h.registerAndVerify({ email: "ana@example.com" });
      await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: PASSWORD });
      return login;
    }, limited);
    expect(answers[2]!.status).toBe(429);
    // The wait is counted in whole seconds from each service's own window.
    expectSame(answers, (s) => s.replace(/"retryAfterSec":\d+/, '"retryAfterSec":N').replace(/^\d+$/, "N"));
  });

  it("signed-in mutations: no credential, a cookie from another site, and a success that sets cookies", async () => {
    expectSame(await threeWays({ path: "/api/trpc/session.revokeAll", body: "{}" }));
    const crossSite = await threeWays(async (h) => {
      await h.registerAndVerify({ email: "ana@example.com" });
      const signedIn = await h.mutate("auth.loginWithPassword", { identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" });
      const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
      return { path: "/api/trpc/session.revokeAll", body: "{}", headers: { cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" } };
    });
    expect(crossSite[2]!.status).toBe(403);
    expectSame(crossSite);
    const cookies = await threeWays(async (h) => {
      await h.registerAndVerify({ email: "ana@example.com" });
      return { path: "/api/trpc/auth.loginWithPassword", body: json({ identifier: "ana@example.com", password: PASSWORD, delivery: "cookie" }) };
    });
    expect(cookies[2]!.headers.filter(([n]) => n === "set-cookie")).toHaveLength(2);
    // Tokens, ids and times differ from service to service; everything around them may not.
    expectSame(cookies, (s) => s.replace(/[A-Za-z0-9_-]{20,}/g, "T").replace(/\d{10,}/g, "N").replace(/(Max-Age=|"expiresIn":)\d+/g, "$1N"));
  });

  it("leaves queries, batches, streams and other content types to the adapter", async () => {
    const h = setup();
    const plain = (pathname: string, headers: Record<string, string> = { "content-type": "application/json" }, search = "") =>
      h.handler.mutation({ method: "POST", pathname, search, hasQuery: search !== "", headers: new Headers(headers), overTls: false, body: () => Promise.reject(new Error("read")) });
    expect(plain("/api/trpc/user.me")).toBeUndefined();
    expect(plain("/api/trpc/auth.checkPassword", { "content-type": "text/plain" })).toBeUndefined();
    expect(plain("/api/trpc/auth.checkPassword", { "content-type": "application/json", "trpc-accept": "application/jsonl" })).toBeUndefined();
    expect(plain("/api/trpc/auth.checkPassword,auth.logout")).toBeUndefined();
    expect(plain("/api/trpc/auth.checkPassword", undefined, "?batch=1")).toBeUndefined();
    expect(plain("/api/trpc/auth.nothing")).toBeUndefined();
    // The plain case: it reads the body (here a reader that fails, to show it was asked).
    await expect(plain("/api/trpc/auth.checkPassword")!).rejects.toThrow("read");
  });
});
