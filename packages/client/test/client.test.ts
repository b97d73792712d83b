import { describe, expect, it } from "vitest";
import { authErrorCode, createAuthClient, isAuthError } from "../src/index";

/** A fetch that records each request and answers every call of a batch with `answer`. */
function recordingFetch(answer: unknown = { result: { data: { minLength: 12, maxLength: 128 } } }) {
  const requests: { url: string; authorization: string | null }[] = [];
  const fetch = async (...[input, init]: Parameters<typeof globalThis.fetch>) => {
    const url = String(input);
    requests.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    const calls = new URL(url).pathname.split("/").pop()!.split(",").length;
    return Response.json(Array.from({ length: calls }, () => answer), { status: 200 });
  };
  return { fetch, requests };
}

describe("createAuthClient", () => {
  it("calls the procedures under /api/trpc of the service's address", async () => {
    const { fetch, requests } = recordingFetch();
    const api = createAuthClient({ url: "https://auth.example.com/", fetch });
    expect(await api.auth.passwordPolicy.query()).toEqual({ minLength: 12, maxLength: 128 });
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(["/api/trpc/auth.passwordPolicy"]);
    expect(requests[0]!.authorization).toBeNull();
  });

  it("sends the token as a bearer token, read again for each request (after a renewal, the new one)", async () => {
    const { fetch, requests } = recordingFetch();
    let token = "first";
    const api = createAuthClient({ url: "https://auth.example.com", fetch, token: async () => token });
    await api.auth.passwordPolicy.query();
    token = "renewed";
    await api.auth.passwordPolicy.query();
    expect(requests.map((r) => r.authorization)).toEqual(["Bearer first", "Bearer renewed"]);
  });
});

describe("isAuthError and authErrorCode", () => {
  const refusal = { error: { message: "Wrong sign-in details.", code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401, path: "auth.loginWithPassword", authCode: "INVALID_CREDENTIALS" } } };

  it("read the service's code off a refused call, and tell other failures apart", async () => {
    const { fetch } = recordingFetch(refusal);
    const api = createAuthClient({ url: "https://auth.example.com", fetch });
    const err: unknown = await api.auth.loginWithPassword.mutate({ identifier: "ana", password: "x" }).catch((e: unknown) => e);
    expect(authErrorCode(err)).toBe("INVALID_CREDENTIALS");
    expect(isAuthError(err)).toBe(true);
    expect(isAuthError(err, "INVALID_CREDENTIALS")).toBe(true);
    expect(isAuthError(err, "RATE_LIMITED")).toBe(false);
    expect(authErrorCode(new Error("network down"))).toBeUndefined();
    expect(isAuthError(new Error("network down"))).toBe(false);
  });
});
