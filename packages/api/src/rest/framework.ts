import { isAuthError, type Auth, type AuthError, type AuthErrorCode, type ClaimsProfile, type RequestMeta } from "@authsvc/core";
import type { z } from "zod";
import type { PlainAnswer, PlainBodyRequest } from "../http/plain";
import { BodyTooLarge, bearerToken, MAX_BODY_BYTES, stripSlash } from "../http/request";

/** Retry-After of a 429 or 503 whose refusal named no wait of its own, on every door. */
export const DEFAULT_RETRY_AFTER_SEC = 60;
/** The statuses every REST answer of which carries `Retry-After` (the OpenAPI document declares it on them). */
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];

/** What a route handler gets: parsed input, path parameters, the caller's token and address. */
export interface RestCall<I> {
  auth: Auth;
  input: I;
  params: Record<string, string>;
  query: URLSearchParams;
  bearer: string | undefined;
  meta: RequestMeta;
  /** The dev outbox answers this request (its mode, and for `local` where the request came from). */
  devOutbox: boolean;
}

/** What the server knows of a request beyond its headers and body. */
export interface RestRequestInfo {
  meta: RequestMeta;
  devOutbox: boolean;
}

export interface RestResult {
  status: number;
  body: unknown;
}

export interface RestRoute<S extends z.ZodType = z.ZodType> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Documented path; `:name` marks a parameter. Matched with and without a trailing slash. */
  path: string;
  /** The OpenAPI operationId: camelCase, the family's word first (`mobileOtpCreate`), a valid identifier in generated clients. */
  operationId: string;
  summary: string;
  /** JSON body schema; absent for routes without a body. */
  body?: S;
  /** Query string schema, for the OpenAPI description. */
  query?: z.ZodType;
  /** Documented success answer, for the OpenAPI description. */
  response: { status: number; schema: z.ZodType };
  /** Statuses the route may answer besides success, with what they mean; 429 wherever a limit of core's can refuse it. */
  errors: Record<number, string>;
  /** A realistic request body (when the route takes one) and success body, for the OpenAPI description; no real secrets. */
  example: { body?: unknown; response: unknown };
  bearer?: boolean;
  /** A route-specific wording of a core error, where the document gives the route its own. */
  mapError?(e: AuthError): { status: number; message: string } | undefined;
  run(call: RestCall<z.output<S>>): Promise<RestResult>;
}

/** One documented family: its routes, its envelope, its wording for every failure. */
export interface RestFamily {
  id: string;
  title: string;
  /** Paths under which an unknown route still answers in this family's envelope. */
  prefixes: string[];
  routes: RestRoute[];
  /** The family's error body for a status and message. */
  errorBody(status: number, message: string): unknown;
  /** Core error to this family's status and message. */
  fromAuthError(e: AuthError): { status: number; message: string };
  /** Messages for requests that never reach a route. */
  malformed: {
    json: string;
    contentType: string;
    tooLarge: string;
    notFound: string;
    /** Missing or mistyped fields. */
    validation(issues: z.core.$ZodIssue[], route: RestRoute): string;
    internal: string;
  };
  /** Documented paths whose GET/HEAD belong to the web app (`/login` is also a page). */
  webPaths?: string[];
  /** Status for a request the family's validation refuses (400 unless documented else). */
  validationStatus?: number;
  /** The family's error body schema, for the OpenAPI description. */
  errorSchema: z.ZodType;
  /** Extra JWT claims the family's tokens carry, by profile name (registered with core, so renewals keep them). */
  claimsProfiles?: Record<string, ClaimsProfile>;
}

/** A family's core-error table as its `fromAuthError`; unlisted codes answer `fallback`. */
export const fromTable =
  (table: Partial<Record<AuthErrorCode, [number, string]>>, fallback?: [number, string]) =>
  (e: AuthError): { status: number; message: string } => {
    const [status, message] = table[e.code] ?? fallback ?? [400, e.message];
    return { status, message };
  };

const listFields = (issues: z.core.$ZodIssue[]) => [...new Set(issues.map((i) => i.path.join(".") || "body"))].join(", ");

/** The English wording of malformed requests, for families whose document is in English. */
export const englishMalformed: RestFamily["malformed"] = {
  json: "Malformed JSON body",
  contentType: "Content-Type must be application/json",
  tooLarge: "Request body is too large",
  notFound: "Not found",
  validation: (issues) => `Invalid request: ${listFields(issues)}`,
  internal: "Internal server error",
};

export const defineRoute = <S extends z.ZodType>(r: RestRoute<S>): RestRoute => r as unknown as RestRoute;

interface Compiled {
  family: RestFamily;
  route: RestRoute;
  pattern: RegExp;
  names: string[];
}

function compile(family: RestFamily, route: RestRoute): Compiled {
  const names: string[] = [];
  const source = stripSlash(route.path)
    .split("/")
    .map((seg) => {
      if (seg.startsWith(":")) {
        names.push(seg.slice(1));
        return "([^/]+)";
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { family, route, pattern: new RegExp(`^${source}/?$`), names };
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + "/");

/** What the dispatcher reads of a request, from a fetch `Request` or straight from node:http alike. */
export type RestRequest = Pick<PlainBodyRequest, "method" | "pathname" | "search" | "headers" | "body">;

export interface RestDispatcher {
  handles(method: string, pathname: string): boolean;
  /**
   * The answer to the request, or null when it is not a REST request (decided before any
   * of it is read, so that another handler may still take it whole).
   */
  dispatch(req: RestRequest, info: () => RestRequestInfo): Promise<PlainAnswer> | null;
  /** The family whose envelope answers this request (as `dispatch` picks it), if any. */
  familyOf(method: string, pathname: string): RestFamily | undefined;
  families: RestFamily[];
}

/** Names sort as a fetch `Headers` lists them, which is how the server wrote every answer when all went through `Response`. */
const byName = (a: readonly [string, string], b: readonly [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

const jsonAnswer = (body: unknown, status: number, headers: Record<string, string> = {}): PlainAnswer => ({
  status,
  headers: Object.entries({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }).sort(byName),
  body: JSON.stringify(body),
});

export function createRestDispatcher(auth: Auth, families: RestFamily[]): RestDispatcher {
  const compiled = families.flatMap((f) => f.routes.map((r) => compile(f, r)));
  for (const f of families) for (const [name, profile] of Object.entries(f.claimsProfiles ?? {})) auth.registerClaimsProfile(name, profile);

  function find(method: string, path: string) {
    let pathMatch: Compiled | undefined;
    for (const c of compiled) {
      const m = c.pattern.exec(path);
      if (!m) continue;
      pathMatch ??= c;
      if (c.route.method === method) {
        const params = Object.fromEntries(c.names.map((n, i) => [n, safeDecode(m[i + 1]!)]));
        return { match: c, params };
      }
    }
    return { pathMatch };
  }

  const familyByPrefix = (path: string) => families.find((f) => f.prefixes.some((p) => underPrefix(path, p)));

  async function run(c: Compiled, req: RestRequest, params: Record<string, string>, info: RestRequestInfo): Promise<PlainAnswer> {
    const { family, route } = c;
    const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
      jsonAnswer(family.errorBody(status, message), status, headers);
    let input: unknown = undefined;
    if (route.body) {
      const type = req.headers.get("content-type") ?? "";
      if (!/^application\/([\w.+-]*\+)?json\b/i.test(type.trim())) return fail(415, family.malformed.contentType);
      let raw: Uint8Array;
      try {
        raw = await req.body(MAX_BODY_BYTES);
      } catch (e) {
        if (e instanceof BodyTooLarge) return fail(413, family.malformed.tooLarge);
        throw e;
      }
      try {
        input = JSON.parse(Buffer.from(raw).toString("utf8"));
      } catch {
        return fail(400, family.malformed.json);
      }
      const parsed = route.body.safeParse(input);
      if (!parsed.success) return fail(family.validationStatus ?? 400, family.malformed.validation(parsed.error.issues, route));
      input = parsed.data;
    }
    try {
      const query = new URLSearchParams(req.search);
      const result = await route.run({ auth, input, params, query, bearer: bearerToken(req.headers), ...info });
      return jsonAnswer(result.body, result.status);
    } catch (e) {
      if (!isAuthError(e)) throw e;
      const { status, message } = route.mapError?.(e) ?? family.fromAuthError(e);
      const retry = e.detail.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC;
      return fail(status, message, RETRY_AFTER_STATUSES.includes(status) ? { "retry-after": String(retry) } : {});
    }
  }

  return {
    families,
    familyOf(method, pathname) {
      const path = stripSlash(pathname);
      const { match, pathMatch } = find(method, path) as ReturnType<typeof find> & { pathMatch?: Compiled };
      return match?.family ?? pathMatch?.family ?? familyByPrefix(path);
    },
    handles(method, pathname) {
      const path = stripSlash(pathname);
      const { match, pathMatch } = find(method, path) as ReturnType<typeof find> & { pathMatch?: Compiled };
      if (match) return true;
      // A documented path with another method still answers in its family's envelope,
      // unless it is also a web page (GET /login).
      if (pathMatch) return !((method === "GET" || method === "HEAD") && pathMatch.family.webPaths?.includes(path));
      return Boolean(familyByPrefix(path));
    },
    dispatch(req, info) {
      const path = stripSlash(req.pathname);
      const { match, params, pathMatch } = find(req.method, path) as ReturnType<typeof find> & {
        params?: Record<string, string>;
        pathMatch?: Compiled;
      };
      const family = match?.family ?? pathMatch?.family ?? familyByPrefix(path);
      if (!family) return null;
      const answer = async (): Promise<PlainAnswer> => {
        try {
          if (match) return await run(match, req, params ?? {}, info());
          if (pathMatch) {
            return jsonAnswer(family.errorBody(405, family.malformed.notFound), 405, {
              allow: compiled.filter((c) => c.pattern.test(path)).map((c) => c.route.method).join(", "),
            });
          }
          return jsonAnswer(family.errorBody(404, family.malformed.notFound), 404);
        } catch (e) {
          auth.ctx.log.error({ family: family.id, path, err: e instanceof Error ? e.message : String(e) }, "rest route failed");
          return jsonAnswer(family.errorBody(500, family.malformed.internal), 500);
        }
      };
      return answer();
    },
  };
}
