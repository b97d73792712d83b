import { isAuthError, type Auth } from "@authsvc/core";
import type { AnyProcedure } from "@trpc/server";
import { getErrorShape, getTRPCErrorFromUnknown, TRPCError } from "@trpc/server/unstable-core-do-not-import";
import { contextFor, TRPC_PREFIX } from "./fast-queries";
import { DEFAULT_RETRY_AFTER_SEC } from "./rest/framework";
import { appRouter } from "./root";
import type { ApiContext } from "./trpc";
import type { TrustProxy } from "./http/trust-proxy";
import type { PlainAnswer, PlainRequest } from "./http/plain";
import { stripSlash } from "./http/request";

/**
 * One tRPC mutation (POST, no batch, a JSON body), called through the procedure's own
 * middlewares instead of tRPC's fetch adapter, and answered as the adapter answers it: the
 * same status, headers and body, errors included (plain-mutation.test.ts compares them). On
 * Node 20 the adapter's request parsing, web streams, AbortSignals and `Response` cost a
 * sign-in more than its own store work (`pnpm bench`'s passkey and second-step phases), as
 * they cost the token check that fast-queries.ts spares them. Everything else (batches,
 * queries, streams, another content type) is left to the adapter, and `mutationOf` says so
 * before anything is read.
 */
export interface PlainMutation {
  name: string;
  procedure: AnyProcedure;
}

export interface PlainMutationOptions {
  auth: Auth;
  trustProxy: TrustProxy;
  /** tRPC's onError, as the adapter is given it. */
  onError(error: TRPCError, path: string): void;
}

/** A procedure's path as the plain case takes it: dotted words, nothing to decode, no batch. */
const NAME = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+$/;
// Flat at run time ("auth.login" → procedure), whatever the router's nested type says.
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure | undefined>;

/** The mutation a request calls, when it is the plain case; undefined otherwise (the adapter's). */
export function mutationOf(r: PlainRequest): PlainMutation | undefined {
  if (r.method !== "POST" || r.hasQuery || r.headers.get("trpc-accept") != null) return undefined;
  // The adapter's own test for a JSON body.
  if (!r.headers.get("content-type")?.startsWith("application/json")) return undefined;
  const path = stripSlash(r.pathname);
  if (!path.startsWith(TRPC_PREFIX + "/")) return undefined;
  const name = path.slice(TRPC_PREFIX.length + 1);
  const procedure = NAME.test(name) ? procedures[name] : undefined;
  return procedure?._def.type === "mutation" ? { name, procedure } : undefined;
}

/** Calls the mutation with the body's JSON and answers as the adapter would. */
export async function answerMutation(o: PlainMutationOptions, r: PlainRequest, m: PlainMutation, body: Uint8Array): Promise<PlainAnswer> {
  const resHeaders = new Headers();
  const ctx = contextFor(o.auth, o.trustProxy, r, resHeaders);
  let input: unknown;
  // Read when the procedure asks, as the adapter reads it; a body that is no JSON is refused as
  // the adapter refuses it (its `memo`: BAD_REQUEST with the parser's words). An empty body is
  // no input (the handler's rule for the adapter too).
  const getRawInput = async () => {
    try {
      return (input = body.byteLength === 0 ? {} : JSON.parse(new TextDecoder().decode(body)));
    } catch (cause) {
      throw new TRPCError({ code: "BAD_REQUEST", message: cause instanceof Error ? cause.message : "Invalid input", cause });
    }
  };
  try {
    const data: unknown = await m.procedure({ path: m.name, getRawInput, ctx, type: "mutation", signal: undefined, batchIndex: 0 });
    return answerWith(200, { result: { data } }, resHeaders);
  } catch (cause) {
    return errorAnswer(o, ctx, m, getTRPCErrorFromUnknown(cause), input);
  }
}

function errorAnswer(o: PlainMutationOptions, ctx: ApiContext, m: PlainMutation, error: TRPCError, input: unknown): PlainAnswer {
  o.onError(error, m.name);
  const shape = getErrorShape({ config: appRouter._def._config, ctx, error, input, path: m.name, type: "mutation" });
  const status = shape.data.httpStatus;
  // The handler's responseMeta: a refusal that says how long to wait says it in Retry-After too.
  const retry = isAuthError(error.cause) ? error.cause.detail.retryAfterSec : undefined;
  if (retry) ctx.resHeaders.set("retry-after", String(retry));
  else if (status === 429) ctx.resHeaders.set("retry-after", String(DEFAULT_RETRY_AFTER_SEC));
  return answerWith(status, { error: shape }, ctx.resHeaders);
}

/** The adapter's headers, then the context's (cookies, Retry-After), listed as `Headers` lists them. */
function answerWith(status: number, body: unknown, resHeaders: Headers): PlainAnswer {
  const headers = new Headers([["vary", "trpc-accept, accept"]]);
  headers.set("content-type", "application/json");
  for (const [name, value] of resHeaders) headers.append(name, value);
  return { status, headers: [...headers], body: JSON.stringify(body) };
}
