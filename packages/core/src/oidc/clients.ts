import type { OidcClient } from "@authsvc/store";
import { audit } from "../audit/audit";
import type { AuthContext, RequestMeta } from "../context";
import { hmac, randomToken, safeEqual } from "../crypto/secrets";
import { AuthError } from "../errors";
import { requireAdmin } from "../admin/admin";
import { requireRecentProof } from "../factors/step-up";
import { requireSession } from "../sessions/authenticate";
import type { Principal } from "../sessions/authenticate";

/**
 * The applications that sign their users in with us (OpenID Connect relying parties). An
 * operator registers one (`pnpm oidc:client add`); its secret is shown once and kept only as
 * a keyed hash. The secret is 256 random bits, so an HMAC under a key derived from
 * AUTH_SECRET is as strong as a slow hash would be, and costs a microsecond per token request.
 */

export interface ClientRegistration {
  name: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris?: readonly string[];
  /** A mobile or browser app that cannot keep a secret: no secret, PKCE (S256) required. */
  public?: boolean;
}

/** A client as an operator sees it: never its secret or the secret's hash. */
export interface OidcClientView {
  id: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  kind: OidcClient["kind"];
  createdAt: number;
  revokedAt: number | null;
}

export const view = ({ secretHash: _, ...client }: OidcClient): OidcClientView => client;

const NAME_MAX = 100;
const URIS_MAX = 10;
const URI_MAX = 2000;

const isLoopback = (host: string) => host === "localhost" || host === "127.0.0.1" || host === "[::1]";

/**
 * Why a redirect URI cannot be registered, or null. https anywhere; http only to this machine
 * (a developer's app, or a native app's loopback listener, RFC 8252 7.3); a public client may
 * also use a private-use scheme of a domain it owns (`com.example.app:/cb`, RFC 8252 7.1).
 * Never a fragment, which a code response cannot carry.
 */
export function redirectUriProblem(uri: string, publicClient: boolean): string | null {
  if (uri.length > URI_MAX) return "is too long";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URL";
  }
  if (url.hash || uri.includes("#")) return "must not have a fragment (#)";
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:") return isLoopback(url.hostname) ? null : "must be https (http only on localhost)";
  if (publicClient && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return null;
  return "must be https (or, for a public app, a private-use scheme such as com.example.app:/callback)";
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > NAME_MAX || /\p{Cc}/u.test(trimmed)) {
    throw new AuthError("INVALID_INPUT", { field: "name" }, `The name is 1 to ${NAME_MAX} characters, without control characters.`);
  }
  return trimmed;
}

function cleanUris(uris: readonly string[], field: string, publicClient: boolean, required: boolean): string[] {
  if ((required && uris.length === 0) || uris.length > URIS_MAX) {
    throw new AuthError("INVALID_INPUT", { field }, `Give ${required ? "1" : "0"} to ${URIS_MAX} URIs.`);
  }
  for (const uri of uris) {
    const problem = redirectUriProblem(uri, publicClient);
    if (problem) throw new AuthError("INVALID_INPUT", { field }, `${field} ${uri} ${problem}.`);
  }
  return [...new Set(uris)];
}

/** Ids we make are base64url; anything else names no client (and never reaches a query: PostgreSQL refuses a NUL). */
const isClientId = (id: unknown): id is string => typeof id === "string" && /^[A-Za-z0-9_-]{1,200}$/.test(id);

export const hashClientSecret = (ctx: AuthContext, secret: string): string => hmac(ctx.keys.oidcClientSecret, secret);

/** Whether `presented` is the secret whose hash is kept, in constant time. */
export function clientSecretMatches(ctx: AuthContext, presented: string, secretHash: string | null): boolean {
  if (!secretHash || typeof presented !== "string" || presented.length > 512) return false;
  return safeEqual(hashClientSecret(ctx, presented), secretHash);
}

/** Registers an application: its id, and its secret (null for a public one), which is not kept and cannot be shown again. */
export async function registerClient(
  ctx: AuthContext,
  input: ClientRegistration,
  by: { userId?: number; via: "cli" | "admin" },
  meta?: RequestMeta,
): Promise<{ client: OidcClientView; secret: string | null }> {
  const publicClient = input.public === true;
  const name = cleanName(input.name);
  const redirectUris = cleanUris(input.redirectUris, "redirectUris", publicClient, true);
  const postLogoutRedirectUris = cleanUris(input.postLogoutRedirectUris ?? [], "postLogoutRedirectUris", publicClient, false);
  const secret = publicClient ? null : randomToken(32);
  const client = await ctx.store.oidcClients.insert({
    id: randomToken(16),
    name,
    redirectUris,
    postLogoutRedirectUris,
    kind: publicClient ? "public" : "confidential",
    secretHash: secret === null ? null : hashClientSecret(ctx, secret),
    createdAt: ctx.now(),
  });
  await audit(ctx, { kind: "oidc_client_registered", userId: by.userId ?? null, meta, detail: { clientId: client.id, kind: client.kind, via: by.via } });
  return { client: view(client), secret };
}

export async function listClients(ctx: AuthContext): Promise<OidcClientView[]> {
  return (await ctx.store.oidcClients.list()).map(view);
}

/**
 * Revokes an application: from now on the provider knows it no more, so its codes, tokens and
 * refresh tokens stop working at once (each use looks the client up). NOT_FOUND when there is
 * no such client or it was already revoked.
 */
export async function revokeClient(ctx: AuthContext, clientId: string, by: { userId?: number; via: "cli" | "admin" }, meta?: RequestMeta): Promise<void> {
  if (!isClientId(clientId) || !(await ctx.store.oidcClients.revoke(clientId, ctx.now()))) throw new AuthError("NOT_FOUND");
  await audit(ctx, { kind: "oidc_client_revoked", userId: by.userId ?? null, meta, detail: { clientId, via: by.via } });
}

/** A client the provider may serve: registered and not revoked. */
export async function liveClient(ctx: AuthContext, clientId: string): Promise<OidcClient | undefined> {
  if (!isClientId(clientId)) return undefined;
  const client = await ctx.store.oidcClients.byId(clientId);
  return client && client.revokedAt === null ? client : undefined;
}

export async function adminListClients(ctx: AuthContext, principal: Principal): Promise<OidcClientView[]> {
  requireAdmin(principal);
  return listClients(ctx);
}

/** Like every admin change that locks people out of something, it needs the admin's own step-up. */
export async function adminRevokeClient(ctx: AuthContext, principal: Principal, clientId: string, meta?: RequestMeta): Promise<void> {
  const p = requireAdmin(principal);
  requireRecentProof(ctx, requireSession(p).session);
  return revokeClient(ctx, clientId, { userId: p.user.id, via: "admin" }, meta);
}

/** A person let an application have these scopes (the consent page's "allow"). */
export async function recordConsent(ctx: AuthContext, userId: number, clientId: string, scopes: readonly string[], meta?: RequestMeta): Promise<void> {
  await audit(ctx, { kind: "oidc_consent", userId, meta, detail: { clientId: clientId.slice(0, 200), scopes: scopes.join(" ").slice(0, 200) } });
}

/**
 * A code or a rotated-out refresh token came back: someone holds a copy (the provider refused
 * it and revoked the grant's tokens). `what` names which; nothing of the token is kept.
 */
export async function recordTokenReuse(
  ctx: AuthContext,
  userId: number | null,
  clientId: string,
  what: "authorization_code" | "refresh_token",
  meta?: RequestMeta,
): Promise<void> {
  await audit(ctx, { kind: "oidc_token_reuse", outcome: "fail", userId, meta, detail: { clientId: clientId.slice(0, 200), what } });
}
