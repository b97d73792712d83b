import { AuthError, isAuthError, type Auth, type AuthErrorCode, type Principal, type RequestMeta, type SessionToken, type SignedIn, type TokenRequest } from "@authsvc/core";
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { TRPC_CODE } from "./errors";
import { deviceCookie, isSameOrigin, sessionCookie, type HeaderSource } from "./http/request";

export interface ApiContext {
  auth: Auth;
  meta: RequestMeta;
  /** The credential the request carries, and where it came from. */
  credential: { token: string; from: "header" | "cookie" } | null;
  /**
   * The request's headers and URL, when it came over HTTP (absent for in-process callers):
   * what a cookie-borne change's same-origin check reads.
   */
  site?: { headers: HeaderSource; url?: string };
  /** Headers to add to the response (Set-Cookie). */
  resHeaders: Headers;
  secureCookies: boolean;
}

export function createApiContext(init: Omit<ApiContext, "resHeaders" | "secureCookies"> & Partial<ApiContext>): ApiContext {
  return { resHeaders: new Headers(), secureCookies: false, ...init };
}

/**
 * What the procedure reference (src/reference, docs/api.md, the /docs/api page) says of a
 * procedure, kept on the procedure itself so it cannot drift from the router. Static: read by
 * the generator and the tests, never by a request.
 */
export interface ProcedureMeta {
  /** Who may call it: anyone, a signed-in session (`protectedProcedure`), or an admin's session. */
  access: "public" | "session" | "admin";
  /**
   * Needs a proof on this session within the last few minutes (`security.stepUp`), else
   * STEP_UP_REQUIRED: `true` always, `"conditional"` only in the case its description names.
   */
  stepUp?: true | "conditional";
  /**
   * The core error codes it can answer (`error.data.authCode`) beyond those every procedure
   * can: INVALID_INPUT for input its schema refuses, and, with a session, UNAUTHORIZED, and
   * FORBIDDEN for a cookie-borne mutation from another site.
   */
  errors?: readonly AuthErrorCode[];
}

/** Each `.meta()` call adds to what the procedure it builds on set (tRPC merges them): `access` comes from the base procedure. */
const t = initTRPC.context<ApiContext>().meta<Partial<ProcedureMeta>>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // Input validation failures carry the schema's issues (zod's, or Standard Schema's).
    const rawIssues = error.code === "BAD_REQUEST" && !isAuthError(cause) ? (cause as { issues?: unknown } | undefined)?.issues : undefined;
    const zodIssues = Array.isArray(rawIssues)
      ? (rawIssues as { path?: PropertyKey[]; message: string }[]).map((i) => ({
          path: (i.path ?? []).map((k) => (typeof k === "object" && k !== null ? String((k as { key: unknown }).key) : String(k))).join("."),
          message: i.message,
        }))
      : undefined;
    return {
      message: zodIssues
        ? "The request is not valid."
        : error.code === "PARSE_ERROR"
          ? "The request body is not valid JSON."
          : error.code === "INTERNAL_SERVER_ERROR"
            ? "Internal error"
            : shape.message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        authCode: isAuthError(cause) ? cause.code : zodIssues || error.code === "PARSE_ERROR" ? "INVALID_INPUT" : undefined,
        ...(isAuthError(cause) ? cause.detail : {}),
        ...(zodIssues ? { issues: zodIssues } : {}),
      },
    };
  },
});

/** Core errors become typed tRPC errors; the core error stays as the cause for the formatter. */
const typed = (cause: AuthError) => new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });

function typedFailure<R extends { ok: boolean; error?: TRPCError }>(result: R): R {
  if (!result.ok && isAuthError(result.error?.cause)) throw typed(result.error.cause);
  return result;
}

const mapErrors = t.middleware(async ({ next }) => typedFailure(await next()));

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors).meta({ access: "public" });

/**
 * Signed in with the full account; a cookie-borne state change must be same-origin.
 * One middleware rather than `publicProcedure.use(…)`: every layer of tRPC's chain copies
 * the call's options and context, and this one runs on every token check (`pnpm bench`).
 */
export const protectedProcedure = t.procedure
  .use(async ({ ctx, type, next }) => {
    let principal: SessionPrincipal;
    try {
      principal = await sessionPrincipal(ctx, type);
    } catch (err) {
      throw isAuthError(err) ? typed(err) : err;
    }
    return typedFailure(await next({ ctx: { principal } }));
  })
  .meta({ access: "session" });

export type SessionPrincipal = Principal & { session: NonNullable<Principal["session"]> };
/** The context of a protected procedure's body. */
export type SignedInContext = ApiContext & { principal: SessionPrincipal };

/** Who a protected call is from, or the AuthError it is refused with (`protectedProcedure`, and the fast queries). */
export async function sessionPrincipal(ctx: ApiContext, type: "query" | "mutation" | "subscription"): Promise<SessionPrincipal> {
  if (!ctx.credential) throw new AuthError("UNAUTHORIZED");
  if (ctx.credential.from === "cookie" && type === "mutation" && ctx.site && !isSameOrigin(ctx.site.headers, ctx.site.url)) {
    throw new AuthError("FORBIDDEN", {}, "Cross-site request refused.");
  }
  return ctx.auth.requireSession(await ctx.auth.authenticate(ctx.credential.token));
}

/** How the client wants its sign-in: a bearer token in the body, or the web app's cookie. */
export const deliveryInput = z.enum(["token", "cookie"]).default("token");

export const tokenRequestFor = (delivery: "token" | "cookie"): TokenRequest =>
  delivery === "cookie" ? { type: "cookie" } : { type: "jwt" };

/**
 * The one shape every sign-in (and renewal) answers with. With a cookie the token never
 * reaches script. `deviceToken`: the known-device token a sign-in gives (null for a renewal,
 * which is no sign-in), for the client to keep and send back as `X-Device-Token`; a web
 * sign-in also sets it as the device cookie.
 */
export function signedInResponse(ctx: ApiContext, s: SessionToken & Partial<Pick<SignedIn, "deviceToken" | "claimMoved">>) {
  if (s.tokenType === "cookie") {
    ctx.resHeaders.append("set-cookie", sessionCookie(s.token, (s.expiresAt - Date.now()) / 1000, ctx.secureCookies));
    if (s.deviceToken) ctx.resHeaders.append("set-cookie", deviceCookie(s.deviceToken, ctx.secureCookies));
  }
  return {
    accessToken: s.tokenType === "cookie" ? null : s.token,
    tokenType: s.tokenType === "cookie" ? ("cookie" as const) : ("Bearer" as const),
    expiresAt: s.expiresAt,
    expiresIn: Math.max(0, Math.floor((s.expiresAt - Date.now()) / 1000)),
    sessionId: s.session.id,
    user: ctx.auth.publicUser(s.user),
    deviceToken: s.deviceToken ?? null,
    // Only when the proof moved a claim off another account: the client tells the person (core: proveClaim).
    ...(s.claimMoved ? { claimMoved: s.claimMoved } : {}),
  };
}

export const clearSessionCookie = (ctx: ApiContext) =>
  ctx.resHeaders.append("set-cookie", sessionCookie("", 0, ctx.secureCookies));

export type { Principal };
