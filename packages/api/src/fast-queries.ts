import type { Auth } from "@authsvc/core";
import { me } from "./routers/user";
import { sessionList } from "./routers/session";
import { createApiContext, sessionPrincipal, type ApiContext, type SignedInContext } from "./trpc";
import type { TrustProxy } from "./http/trust-proxy";
import type { PlainAnswer, PlainRequest } from "./http/plain";
import { bearerToken, isSecure, readSessionCookie, requestMeta, stripSlash } from "./http/request";

export const TRPC_PREFIX = "/api/trpc";

/** The tRPC context for a request: its credential (bearer header first, else the web cookie) and meta. */
export function contextFor(
  auth: Auth,
  trustProxy: TrustProxy,
  r: Pick<PlainRequest, "headers" | "overTls" | "info">,
  resHeaders: Headers,
  url?: string,
): ApiContext {
  const header = bearerToken(r.headers);
  const secureCookies = isSecure(r.headers, r.overTls, trustProxy, r.info);
  const cookie = header ? undefined : readSessionCookie(r.headers, secureCookies);
  return createApiContext({
    auth,
    meta: requestMeta(r.headers, r.info, trustProxy),
    credential: header ? { token: header, from: "header" } : cookie ? { token: cookie, from: "cookie" } : null,
    site: { headers: r.headers, ...(url ? { url } : {}) },
    resHeaders,
    secureCookies,
  });
}

/** The adapter's headers for a single query, in the order `Headers` iterates them. */
const ADAPTER_HEADERS: readonly (readonly [string, string])[] = [
  ["content-type", "application/json"],
  ["vary", "trpc-accept, accept"],
];

/**
 * Queries without input that clients make on every screen, answered by the procedure's own
 * check and body (`sessionPrincipal`, then the router's function) instead of through tRPC: its
 * fetch adapter cost ~100 µs a call on Node 20 (request parsing, AbortSignals, Headers, response
 * streams), and its caller copies the call's options and context at each layer of the chain,
 * against tens of µs for the work itself (`pnpm bench`'s token check). Only the plain case: GET,
 * no query string, no streaming. The server calls this straight from `node:http` too, so that
 * the hottest request builds no `Request` or `Response`.
 */
const FAST_QUERIES: Record<string, (ctx: SignedInContext) => Promise<unknown> | unknown> = {
  [`${TRPC_PREFIX}/user.me`]: me,
  [`${TRPC_PREFIX}/session.list`]: sessionList,
};

/**
 * Undefined when the request is not a fast query; else a promise of the answer, or of
 * undefined when the call failed: a failure is left to the adapter, which runs the call
 * again (these are reads), so every error keeps its exact shape, status and log line.
 */
export type FastQuery = (r: PlainRequest) => Promise<PlainAnswer | undefined> | undefined;

export function createFastQuery(auth: Auth, trustProxy: TrustProxy): FastQuery {
  return (r) => {
    if (r.method !== "GET" || r.hasQuery || r.headers.get("trpc-accept") != null) return undefined;
    const query = FAST_QUERIES[stripSlash(r.pathname)];
    return query ? answer(query, contextFor(auth, trustProxy, r, new Headers())) : undefined;
  };
}

async function answer(query: (ctx: SignedInContext) => Promise<unknown> | unknown, ctx: ApiContext): Promise<PlainAnswer | undefined> {
  let data: unknown;
  try {
    data = await query({ ...ctx, principal: await sessionPrincipal(ctx, "query") });
  } catch {
    return undefined;
  }
  const body = JSON.stringify({ result: { data } });
  const extra = [...ctx.resHeaders];
  if (extra.length === 0) return { status: 200, headers: ADAPTER_HEADERS, body };
  // Context headers (cookies) merged in as the adapter merges them, in `Headers` order.
  const headers = new Headers();
  for (const [name, value] of ADAPTER_HEADERS) headers.append(name, value);
  for (const [name, value] of extra) headers.append(name, value);
  return { status: 200, headers: [...headers], body };
}
