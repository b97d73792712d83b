import { AuthError, isAuthError, JWKS_MAX_AGE_SEC, type Auth } from "@authsvc/core";
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createRestDispatcher, DEFAULT_RETRY_AFTER_SEC, type RestRequest } from "./rest/framework";
import { restFamilies } from "./rest/families";
import { buildOpenApi } from "./rest/openapi";
import { contextFor, createFastQuery, TRPC_PREFIX, type FastQuery } from "./fast-queries";
import { appRouter } from "./root";
import type { TrustProxy } from "./http/trust-proxy";
import { BodyTooLarge, json, MAX_BODY_BYTES, readBody, requestMeta, stripSlash, type ClientInfo } from "./http/request";
import { responseOf, type PlainAnswer, type PlainBodyRequest } from "./http/plain";
import { answerMutation, mutationOf } from "./plain-mutation";
import { devOutboxAnswers, type DevOutboxMode } from "./http/dev-outbox";
import { wellFormedHost } from "./http/host";

export interface ApiHandlerOptions {
  /**
   * Which peers are proxies we run (compiled once, see http/trust-proxy.ts): only their
   * X-Forwarded-For / X-Forwarded-Proto count. `trustNobody` when nothing sits in front.
   */
  trustProxy: TrustProxy;
  /** Who GET /api/dev/outbox and family 001's `verificationCode` answer (see http/dev-outbox.ts). */
  devOutbox: DevOutboxMode;
}

export interface ApiHandler {
  /** True when the request belongs to the API fast path rather than to the web app. */
  handles(method: string, pathname: string): boolean;
  fetch(req: Request, info?: ClientInfo): Promise<Response>;
  /**
   * The answer to a request whose `Host` no URL can be built from (see http/host.ts): 400 in
   * the envelope of the route it names. `fetch` answers it itself; a server whose request
   * adapter cannot even build the `Request` calls this instead.
   */
  malformedHost(method: string, pathname: string): Response;
  /** The hottest queries without a `Request`: for a server that can write the answer itself (see fast-queries.ts). */
  fastQuery: FastQuery;
  /**
   * A single tRPC mutation (see plain-mutation.ts) without a `Request`, answered as `fetch`
   * answers it, errors included: undefined, nothing read, when it is not the plain case. For a
   * server that reads the body and writes the answer itself, under the same conditions as `rest`.
   */
  mutation(req: PlainBodyRequest): Promise<PlainAnswer> | undefined;
  /**
   * A REST family's request (one `handles` took) without a `Request`, answered as `fetch`
   * answers it, errors included: undefined, nothing read, when it is another API route. For a
   * server that reads the body and writes the answer itself; the request's `Host` must be well
   * formed (see `malformedHost`) and its path and query as a URL parser reads them.
   */
  rest(req: PlainBodyRequest): Promise<PlainAnswer> | undefined;
}


/** Calls one tRPC batch request may hold. */
export const MAX_BATCH_CALLS = 10;

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** A body over the limit, refused in tRPC's error shape before anything is parsed or run. */
const TOO_LARGE: PlainAnswer = {
  status: 413,
  headers: [
    ["cache-control", "no-store"],
    ["content-type", "application/json; charset=utf-8"],
  ],
  body: JSON.stringify({ error: { message: "The request body is over 64 KiB.", code: -32600, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } } }),
};

/** tRPC's answer to a request refused before tRPC reads it, in tRPC's own error shape. */
const trpcBadRequest = (message: string): Response =>
  json({ error: { message, code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400, authCode: "INVALID_INPUT" } } }, 400);

export function createApiHandler(auth: Auth, options: ApiHandlerOptions): ApiHandler {
  const rest = createRestDispatcher(auth, restFamilies);
  const fastQuery = createFastQuery(auth, options.trustProxy);
  const onError = (error: TRPCError, path: string | undefined) => {
    if (error.code === "INTERNAL_SERVER_ERROR" && !isAuthError(error.cause)) {
      auth.ctx.log.error({ path, err: error.cause?.message ?? error.message }, "trpc procedure failed");
    }
  };
  const mutations = { auth, trustProxy: options.trustProxy, onError };
  let openapi: string | undefined;
  const simple: Record<string, (req: Request, url: URL, info: ClientInfo | undefined) => Response | Promise<Response>> = {
    // Both ask the store (either engine) whether it answers with every migration applied.
    "GET /api/health": async () => ((await auth.isReady()) ? json({ status: "ok" }) : json({ status: "error" }, 503)),
    "GET /api/ready": async () => ((await auth.isReady()) ? json({ status: "ready" }) : json({ status: "not_ready" }, 503)),
    "GET /api/openapi.json": () =>
      new Response((openapi ??= JSON.stringify(buildOpenApi(restFamilies, auth.ctx.options))), {
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" },
      }),
    // Other services check our access tokens (and the OpenID provider's ID tokens) with these.
    "GET /.well-known/jwks.json": async () =>
      new Response(JSON.stringify(await auth.keys.jwks()), {
        headers: {
          "content-type": "application/jwk-set+json; charset=utf-8",
          "cache-control": `public, max-age=${JWKS_MAX_AGE_SEC}`,
          // Public keys: any page may read them.
          "access-control-allow-origin": "*",
        },
      }),
    "GET /api/dev/outbox": (req, url, info) => {
      // Refused exactly as when the outbox is off: another machine learns nothing, not even that it exists.
      if (!devOutboxAnswers(options.devOutbox, req.headers, info)) return json({ error: "Not found" }, 404);
      return auth.listOutbox(url.searchParams.get("to") ?? undefined).then((messages) => json({ messages }));
    },
  };

  async function trpc(req: Request, url: URL, path: string, info: ClientInfo | undefined): Promise<Response> {
    // Refused before anything is read or run: each call may cost a password hash. Counted on
    // the decoded path, as tRPC splits it (`%2C` is a separator too); tRPC's own
    // `maxBatchSize` below holds the same line should its parsing ever differ from ours.
    if (decodeURIComponent(path.slice(TRPC_PREFIX.length + 1)).split(",").length > MAX_BATCH_CALLS) {
      const message = `A batch holds at most ${MAX_BATCH_CALLS} calls.`;
      return trpcBadRequest(message);
    }
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (req.method === "POST") {
      try {
        body = await readBody(req);
      } catch (e) {
        if (e instanceof BodyTooLarge) return responseOf(TOO_LARGE);
        throw e;
      }
    }
    const plain = { method: req.method, pathname: path, hasQuery: url.search !== "", headers: req.headers, overTls: url.protocol === "https:", info };
    const fast = await fastQuery(plain);
    if (fast) return responseOf(fast);
    const m = body && mutationOf(plain);
    if (m && body) return responseOf(await answerMutation(mutations, plain, m, body));
    // The body was read once already (to cap its size). An empty one is "no input" rather
    // than a JSON syntax error. The content type stays as sent: requiring JSON makes a
    // cross-site form post impossible without a CORS preflight.
    const forwarded = body
      ? new Request(req.url, { method: req.method, headers: req.headers, body: body.byteLength ? body : "{}" })
      : req;
    const res = await fetchRequestHandler({
      endpoint: TRPC_PREFIX,
      req: forwarded,
      router: appRouter,
      allowMethodOverride: false,
      maxBatchSize: MAX_BATCH_CALLS,
      createContext: ({ resHeaders }) => contextFor(auth, options.trustProxy, plain, resHeaders, req.url),
      responseMeta({ errors }) {
        const retry = errors.map((e) => e.cause).find((c) => isAuthError(c) && c.detail.retryAfterSec);
        return retry && isAuthError(retry) ? { headers: { "retry-after": String(retry.detail.retryAfterSec) } } : {};
      },
      onError: ({ error, path }) => onError(error, path),
    });
    // tRPC answers some refusals of its own (415, 405) as JSON without saying so.
    if (!res.headers.get("content-type")?.includes("json")) res.headers.set("content-type", "application/json");
    if (res.status === 429 && !res.headers.has("retry-after")) res.headers.set("retry-after", String(DEFAULT_RETRY_AFTER_SEC));
    return res;
  }

  function malformedHost(method: string, pathname: string): Response {
    const message = "The Host header is malformed.";
    const path = stripSlash(pathname);
    const family = rest.familyOf(method, path);
    if (family) {
      const wording = family.fromAuthError(new AuthError("INVALID_INPUT", {}, message));
      return json(family.errorBody(400, wording.status === 400 ? wording.message : message), 400);
    }
    if (path === TRPC_PREFIX || path.startsWith(TRPC_PREFIX + "/")) {
      return trpcBadRequest(message);
    }
    return json({ error: message }, 400);
  }

  /** Both ways in, a `Request` or a plain request: one dispatch, one set of rules. */
  function restAnswer(req: RestRequest, info: ClientInfo | undefined): Promise<PlainAnswer> | null {
    return rest.dispatch(req, () => ({
      meta: requestMeta(req.headers, info, options.trustProxy),
      devOutbox: devOutboxAnswers(options.devOutbox, req.headers, info),
    }));
  }

  return {
    fastQuery,
    malformedHost,
    mutation(req) {
      const m = mutationOf(req);
      if (!m) return undefined;
      return (async () => {
        let body: Uint8Array;
        try {
          body = await req.body(MAX_BODY_BYTES);
        } catch (e) {
          if (e instanceof BodyTooLarge) return TOO_LARGE;
          throw e;
        }
        return answerMutation(mutations, req, m, body);
      })();
    },
    rest: (req) => restAnswer(req, req.info) ?? undefined,
    handles(method, pathname) {
      if (pathname === TRPC_PREFIX || pathname.startsWith(TRPC_PREFIX + "/")) return true;
      return `${method} ${stripSlash(pathname)}` in simple || rest.handles(method, pathname);
    },
    async fetch(req, info) {
      try {
        const url = new URL(req.url);
        // Before any route reads the Host (the dev outbox, same-origin checks) or runs.
        if (!wellFormedHost(req.headers.get("host"))) return malformedHost(req.method, url.pathname);
        const path = stripSlash(url.pathname);
        // REST first: it matches raw paths, so even an undecodable one gets its family's 404.
        const body = (limit: number) => readBody(req, limit);
        const answered = restAnswer({ method: req.method, pathname: url.pathname, search: url.search, headers: req.headers, body }, info);
        if (answered) return responseOf(await answered);
        if (!decodable(path)) return json({ error: "Not found" }, 404);
        if (path === TRPC_PREFIX || path.startsWith(TRPC_PREFIX + "/")) return await trpc(req, url, path, info);
        const route = simple[`${req.method} ${path}`];
        if (route) return await route(req, url, info);
        return json({ error: "Not found" }, 404);
      } catch (err) {
        auth.ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, "api request failed");
        return json({ error: "Internal error" }, 500);
      }
    },
  };
}
