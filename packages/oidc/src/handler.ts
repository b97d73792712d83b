import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth, Principal, RequestMeta } from "@authsvc/core";
import type Provider from "oidc-provider";
import type { JWK } from "oidc-provider";
import { interactionView, InteractionMismatch, runAction, type InteractionAction, type OidcInteractionView } from "./interactions";
import { privateJwks } from "./keys";
import { buildProvider, PATHS } from "./provider";

export interface OidcHandlerOptions {
  /** The service's public URL (PUBLIC_URL); its origin is the issuer. */
  issuer: string;
  /** The web session a request carries (our session cookie), or null. */
  signedIn(req: IncomingMessage): Promise<Principal | null>;
  /** Whether the request reached us over HTTPS, as the trusted proxies say (the server decides). */
  secure(req: IncomingMessage): boolean;
  /** Where the request came from, for the audit. */
  meta(req: IncomingMessage): RequestMeta;
  /** The private signing keys, current first; read again every `keyCheckMs`. */
  keys?: () => Promise<JWK[]>;
  /** How often the key set is checked for a rotation (default 10 s). */
  keyCheckMs?: number;
  /** Whether the provider itself answers the JWKS path (until the API serves the key set). */
  serveJwks?: boolean;
  onError?: (err: unknown, pathname: string) => void;
}

export interface OidcHandler {
  /** Whether the request is the provider's: discovery, `/oidc/*` (but the interaction page itself). */
  handles(method: string, pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): void;
  /** What the interaction page shows, for whoever `principal` is; null for an unknown or ended one. */
  interactionView(uid: string, principal: Principal | null): Promise<OidcInteractionView | null>;
  /** The provider as now built (tests). */
  provider(): Promise<Provider>;
  close(): void;
}

const ACTION = /^\/oidc\/interaction\/([\w-]{1,64})\/(login|confirm|abort)$/;

/**
 * The OpenID Connect provider as a node request handler, mounted by the web server before
 * Next. The provider (oidc-provider, koa) answers the protocol; the interaction page is a Next
 * page, and its buttons are answered here (ACTION), where the provider's interaction cookie is.
 */
export function createOidcHandler(auth: Auth, options: OidcHandlerOptions): OidcHandler {
  const issuer = new URL(options.issuer).origin;
  const keys = options.keys ?? (() => privateJwks(auth));
  const serveJwks = options.serveJwks ?? true;
  const onError = options.onError ?? (() => {});

  interface Built {
    kids: string;
    provider: Provider;
    callback: (req: IncomingMessage, res: ServerResponse) => unknown;
  }
  let built: Promise<Built> | undefined;
  const kidsOf = (set: JWK[]) => set.map((k) => `${k.alg}:${k.kid}`).join(",");
  const build = async (set?: JWK[]): Promise<Built> => {
    const jwks = set ?? (await keys());
    const provider = buildProvider(auth, { issuer }, jwks);
    // Its address and scheme are the server's to say (trusted proxies only): see `handle`.
    provider.proxy = true;
    return { kids: kidsOf(jwks), provider, callback: provider.callback() };
  };
  const current = (): Promise<Built> => {
    built ??= build().catch((err: unknown) => {
      built = undefined;
      throw err;
    });
    return built;
  };

  // A rotation on any instance reaches this one within keyCheckMs: a new key set builds a new provider.
  const timer = setInterval(() => {
    void (async () => {
      if (!built) return;
      const [now, set] = await Promise.all([built, keys()]);
      if (kidsOf(set) !== now.kids) built = Promise.resolve(await build(set));
    })().catch((err: unknown) => onError(err, "key check"));
  }, options.keyCheckMs ?? 10_000);
  timer.unref();

  const handles = (method: string, pathname: string): boolean => {
    if (pathname === PATHS.discovery) return true;
    if (pathname === PATHS.jwks) return serveJwks;
    if (!pathname.startsWith(PATHS.prefix)) return false;
    // The interaction page is the web app's; only its buttons (POST) are ours.
    if (pathname.startsWith(PATHS.interaction)) return method === "POST" && ACTION.test(pathname);
    return true;
  };

  /**
   * The provider reads the scheme and client address from X-Forwarded-* (proxy mode): they are
   * set here from what the server concluded, and what the client sent is dropped.
   */
  const normalise = (req: IncomingMessage) => {
    const secure = options.secure(req);
    const ip = options.meta(req).ip;
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
    req.headers["x-forwarded-proto"] = secure ? "https" : "http";
    if (ip) req.headers["x-forwarded-for"] = ip;
    else delete req.headers["x-forwarded-for"];
  };

  const fail = (res: ServerResponse, status: number, err?: unknown, pathname = "") => {
    if (err !== undefined) onError(err, pathname);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = status;
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.setHeader("cache-control", "no-store");
    res.end(status === 403 ? "Forbidden" : status === 400 ? "Bad Request" : "Internal Server Error");
  };

  const action = async (req: IncomingMessage, res: ServerResponse, uid: string, name: InteractionAction) => {
    // A form of this site only: a cross-site page cannot press these buttons (the provider's
    // cookie is SameSite=Lax as well, and is not sent with a cross-site POST).
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== issuer) return fail(res, 403);
    req.resume();
    const { provider } = await current();
    try {
      await runAction({ provider, auth, req, res, uid, action: name, principal: await options.signedIn(req), meta: options.meta(req) });
    } catch (err) {
      // No interaction cookie (another browser, or it ended), or another account's: start over at the app.
      if (err instanceof InteractionMismatch || (err as { name?: string }).name === "SessionNotFound") return fail(res, 400);
      throw err;
    }
  };

  return {
    handles,
    handle(req, res, pathname) {
      normalise(req);
      const m = req.method === "POST" ? ACTION.exec(pathname) : null;
      const work = m
        ? action(req, res, m[1]!, m[2] as InteractionAction)
        : current().then(({ callback }) => {
            callback(req, res);
          });
      work.catch((err: unknown) => fail(res, 500, err, pathname));
    },
    async interactionView(uid, principal) {
      return interactionView((await current()).provider, uid, principal);
    },
    provider: async () => (await current()).provider,
    close: () => clearInterval(timer),
  };
}
