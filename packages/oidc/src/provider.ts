import "./node-crypto-hash";
import type { Auth } from "@authsvc/core";
import { OIDC_SCOPE_CLAIMS } from "@authsvc/core";
import type { IncomingMessage } from "node:http";
import Provider, { interactionPolicy, type Configuration, type JWK, type KoaContextWithOIDC } from "oidc-provider";
import { storeAdapter } from "./adapter";
import { clientStore, keepSecretsHashed } from "./clients";
import { logoutPage, logoutDonePage, errorPage } from "./pages";

export const PATHS = {
  discovery: "/.well-known/openid-configuration",
  jwks: "/.well-known/jwks.json",
  prefix: "/oidc/",
  interaction: "/oidc/interaction/",
} as const;

export interface ProviderSettings {
  /** The service's public origin (PUBLIC_URL): the issuer, and the base of every endpoint. */
  issuer: string;
  /** The account signed in to this service on the request's browser (its web session), or null. */
  signedInAccount(req: IncomingMessage): Promise<string | null>;
}

/**
 * The library's prompts, and one more reason to sign in: the provider's own session lasts as
 * long as the person stays signed in to this service on that browser, as that account. Signed
 * out here (or signed in as someone else), an application's next request asks again (or, with
 * prompt=none, answers login_required) instead of signing them in from a session they ended.
 */
function interactionPolicyFor(settings: ProviderSettings) {
  const policy = interactionPolicy.base();
  policy.get("login")!.checks.add(
    new interactionPolicy.Check("web_session", "the End-User is no longer signed in to this service as this account", "login_required", async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      // Nobody in the provider's session: the library's no_session check asks already.
      if (!accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      // The interaction that just signed in resolved it.
      if (ctx.oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return (await settings.signedInAccount(ctx.req)) === accountId ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

/**
 * One oidc-provider instance over our Store, with `jwks` as its signing keys. Built again
 * (handler.ts) when the set of keys changes, so a rotation reaches every instance within
 * seconds; everything else it reads (codes, tokens, sessions, clients) is in the Store.
 *
 * Choices, where the library leaves them to us:
 * - Authorization code only (no implicit, no hybrid), PKCE with S256 for every client, public
 *   or not (OAuth 2.1 and the security BCP: a confidential client's code can be injected too).
 * - Refresh tokens only for `offline_access`, which OpenID Connect grants only with
 *   `prompt=consent`; each use rotates it (the old one, used again, revokes the grant).
 * - Access tokens live as ours (`accessTokenTtlSec`), codes a minute, refresh tokens
 *   `oidc.refreshTokenTtlSec` from the sign-in, never longer than the grant.
 * - Client authentication: client_secret_basic / client_secret_post for confidential
 *   clients, none for public ones. No HS256 or client_secret_jwt: the stored "secret" is a hash.
 * - No dynamic registration, no dev interactions, no implicit CORS: only the discovery, JWKS,
 *   token, userinfo and revocation endpoints answer cross-origin reads, and only to the
 *   origins of a client's redirect URIs.
 */
export function buildProvider(auth: Auth, settings: ProviderSettings, jwks: JWK[]): Provider {
  const ttl = auth.options.oidc;
  const clients = clientStore(auth);
  const configuration: Configuration = {
    adapter: storeAdapter(auth.oidc.models, clients),
    clients: [],
    jwks: { keys: jwks },
    cookies: {
      keys: auth.oidc.cookieKeys(),
      long: { signed: true, httpOnly: true, sameSite: "lax" },
      short: { signed: true, httpOnly: true, sameSite: "lax" },
    },
    async findAccount(_ctx, sub) {
      const claims = await auth.oidc.accountClaims(sub);
      if (!claims) return undefined;
      return { accountId: claims.sub, claims: () => claims };
    },
    claims: { openid: ["sub"], ...mutable(OIDC_SCOPE_CLAIMS) },
    scopes: ["openid", "offline_access", "profile", "email", "phone"],
    responseTypes: ["code"],
    subjectTypes: ["public"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
    enabledJWA: {
      idTokenSigningAlgValues: ["RS256", ...(["ES256", "EdDSA"] as const).filter((alg) => jwks.some((k) => k.alg === alg))],
      userinfoSigningAlgValues: ["RS256"],
      clientAuthSigningAlgValues: [],
    },
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
    ttl: {
      AuthorizationCode: ttl.codeTtlSec,
      AccessToken: auth.options.accessTokenTtlSec,
      IdToken: ttl.idTokenTtlSec,
      Interaction: ttl.interactionTtlSec,
      Session: ttl.sessionTtlSec,
      Grant: ttl.refreshTokenTtlSec,
      // A rotated refresh token keeps the end of the one it replaced: the chain is bounded.
      RefreshToken(ctx) {
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL;
        return rotated === undefined ? ttl.refreshTokenTtlSec : Math.max(1, Math.min(rotated, ttl.refreshTokenTtlSec));
      },
    },
    routes: {
      authorization: "/oidc/auth",
      token: "/oidc/token",
      userinfo: "/oidc/me",
      end_session: "/oidc/session/end",
      revocation: "/oidc/token/revocation",
      jwks: PATHS.jwks,
      code_verification: "/oidc/device",
      device_authorization: "/oidc/device/auth",
      backchannel_authentication: "/oidc/backchannel",
      introspection: "/oidc/token/introspection",
      pushed_authorization_request: "/oidc/request",
      registration: "/oidc/reg",
      challenge: "/oidc/challenge",
      credential: "/oidc/credential",
    },
    interactions: { policy: interactionPolicyFor(settings), url: (_ctx, interaction) => `${PATHS.interaction}${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage, postLogoutSuccessSource: logoutDonePage },
      // Absolute URLs, no resource-server JWT access tokens: userinfo reads opaque ones.
      resourceIndicators: { enabled: false },
    },
    // Cross-origin reads (a single-page app's token request) only from an origin one of the
    // client's redirect URIs is on.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => sameOrigin(uri, origin)) ?? false,
    renderError: errorPage,
    // Nothing secret in a log line: the library's errors carry no token, and we add none.
    extraParams: [],
  };
  const provider = new Provider(settings.issuer, configuration);
  keepSecretsHashed(provider, auth);
  return provider;
}

const mutable = (claims: typeof OIDC_SCOPE_CLAIMS): Record<string, string[]> =>
  Object.fromEntries(Object.entries(claims).map(([scope, names]) => [scope, [...names]]));

function sameOrigin(uri: string, origin: string): boolean {
  try {
    return new URL(uri).origin === origin;
  } catch {
    return false;
  }
}

export type { KoaContextWithOIDC };
