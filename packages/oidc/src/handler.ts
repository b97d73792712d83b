import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth, Principal, RequestMeta } from "@authsvc/core";
import type Provider from "oidc-provider";
import type { JWK } from "oidc-provider";
import { interactionView, InteractionMismatch, runAction, type InteractionAction, type OidcInteractionView } from "./interactions";
import { buildProvider, PATHS } from "./provider";

export interface OidcHandlerOptions {
  /** The service's public URL (PUBLIC_URL); its origin is the issuer. */
  issuer: string;
  /** The web session a request carries (our session cookie), or null. */
  signedIn(req: IncomingMessage): Promise<Principal | null>;
  /** Where the request came from, for the audit. */
  meta(req: IncomingMessage): RequestMeta;
  /**
   * The private signing keys, the current one of each algorithm first (default: core's key set,
   * `auth.keys.privateJwks()`, which every instance reads again every few seconds). Asked at
   * each request: cheap, and the same array while the set holds.
   */
  keys?: () => Promise<JWK[]>;
  /**
   * Ends the web session a request carries: RP-initiated logout, confirmed, signs the person out
   * of this service on this browser too, not only out of the provider's own session. Called
   * while the answer is being made: it sets its cookie on `res` at once, and ends the session
   * in the background.
   */
  signOut?: (req: IncomingMessage, res: ServerResponse) => void;
  onError?: (err: unknown, pathname: string) => void;
}

export interface OidcHandler {
  /**
   * Whether the request is the provider's: discovery and `/oidc/*`, but the interaction page
   * itself (Next's) and the key set (`/.well-known/jwks.json`, the API's, from core's keys).
   */
  handles(method: string, pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): void;
  /** What the interaction page shows, for whoever `principal` is; null for an unknown or ended one. */
  interactionView(uid: string, principal: Principal | null): Promise<OidcInteractionView | null>;
  /** The provider as now built (tests). */
  provider(): Promise<Provider>;
}

const ACTION = /^\/oidc\/interaction\/([\w-]{1,64})\/(login|confirm|abort)$/;

/**
 * The OpenID Connect provider as a node request handler, mounted by the web server before
 * Next. The provider (oidc-provider, koa) answers the protocol; the interaction page is a Next
 * page, and its buttons are answered here (ACTION), where the provider's interaction cookie is.
 */
export function createOidcHandler(auth: Auth, options: OidcHandlerOptions): OidcHandler {
  const issuer = new URL(options.issuer).origin;
  const keys = options.keys ?? (() => auth.keys.privateJwks());
  const signedInAccount = async (req: IncomingMessage) => {
    const principal = await options.signedIn(req);
    return principal ? String(principal.user.id) : null;
  };
  const onError = options.onError ?? (() => {});

  interface Built {
    jwks: JWK[];
    kids: string;
    provider: Provider;
    callback: (req: IncomingMessage, res: ServerResponse) => unknown;
  }
  let built: Built | undefined;
  const kidsOf = (set: JWK[]) => set.map((k) => `${k.alg}:${k.kid}`).join(",");
  /**
   * The provider for the current key set: built again when the set of keys (or their order)
   * changed, so a rotation made on any instance signs here as soon as core has read it.
   * Everything else the provider reads (codes, tokens, sessions, clients) is in the Store.
   */
  const current = async (): Promise<Built> => {
    const jwks = await keys();
    if (built && (built.jwks === jwks || built.kids === kidsOf(jwks))) return built;
    const provider = buildProvider(auth, { issuer, signedInAccount }, jwks);
    // Its address and scheme are the server's to say (trusted proxies only): see `normalise`.
    provider.proxy = true;
    provider.on("end_session.success", (ctx: { req: IncomingMessage; res: ServerResponse; oidc: { params?: { logout?: unknown } } }) => {
      // Only the confirmed logout ("Sign out"), not "stay signed in".
      if (ctx.oidc.params?.logout) options.signOut?.(ctx.req, ctx.res);
    });
    // A replayed code or refresh token: refused and its grant revoked by the library; recorded here.
    provider.on("grant.error", (ctx, err) => {
      const what = err.error_detail === "authorization code already consumed" ? "authorization_code" : err.error_detail === "refresh token already used" ? "refresh_token" : null;
      if (!what) return;
      const accountId = (ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken)?.accountId;
      const userId = accountId && /^\d{1,10}$/.test(accountId) ? Number(accountId) : null;
      auth.oidc
        .recordTokenReuse(userId, ctx.oidc.client?.clientId ?? "", what, options.meta(ctx.req))
        .catch((e: unknown) => onError(e, "audit of a replayed token"));
    });
    built = { jwks, kids: kidsOf(jwks), provider, callback: provider.callback() };
    return built;
  };

  const handles = (method: string, pathname: string): boolean => {
    if (pathname === PATHS.discovery) return true;
    if (!pathname.startsWith(PATHS.prefix)) return false;
    // The interaction page is the web app's; only its buttons (POST) are ours.
    if (pathname.startsWith(PATHS.interaction)) return method === "POST" && ACTION.test(pathname);
    return true;
  };

  /**
   * The provider builds its endpoints' URLs from the request's host and scheme (proxy mode:
   * X-Forwarded-*). They are the issuer's, whatever the request says: a Host header of the
   * client's choosing must never reach the discovery document, a redirect or a cached answer.
   * The client's address is the one the server concluded (trusted proxies only).
   */
  const issuerUrl = new URL(issuer);
  const normalise = (req: IncomingMessage) => {
    const ip = options.meta(req).ip;
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
    req.headers.host = issuerUrl.host;
    req.headers["x-forwarded-proto"] = issuerUrl.protocol.slice(0, -1);
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
  };
}
