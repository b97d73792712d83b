import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth, Principal, RequestMeta } from "@authsvc/core";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";

type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;

/** What the interaction page shows (apps/web/app/oidc/interaction/[uid]/page.tsx). */
export interface OidcInteractionView {
  uid: string;
  /** `login`: who is signing in; `consent`: what the application may have. */
  prompt: "login" | "consent";
  client: { id: string; name: string };
  /** The scopes asked for, `openid` included, in the order the page lists them. */
  scopes: string[];
  /**
   * The person signed in to this service on this browser, and whether that sign-in is recent
   * enough for this request (`prompt=login` wants one made after the request began, `max_age`
   * one within that many seconds). Null when nobody is signed in.
   */
  signedIn: { label: string; fresh: boolean; sameAccount: boolean } | null;
}

export type InteractionAction = "login" | "confirm" | "abort";

const SCOPE_ORDER = ["openid", "profile", "email", "phone", "offline_access"];

/** The earliest sign-in this interaction accepts, in epoch ms (0: any). */
export function signInNeededAfter(interaction: Pick<Interaction, "prompt" | "params" | "iat">, now: number): number {
  const reasons = interaction.prompt.reasons;
  let after = 0;
  if (reasons.includes("login_prompt")) after = Math.max(after, interaction.iat * 1000);
  const maxAge = Number(interaction.params.max_age);
  if (reasons.includes("max_age") && Number.isFinite(maxAge) && maxAge >= 0) after = Math.max(after, now - maxAge * 1000);
  return after;
}

function labelOf(principal: Principal): string {
  const u = principal.user;
  return u.fullName || u.username || u.email || u.phone || `#${u.id}`;
}

export async function interactionView(provider: Provider, uid: string, principal: Principal | null): Promise<OidcInteractionView | null> {
  if (!/^[\w-]{1,64}$/.test(uid)) return null;
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) return null;
  const clientId = String(interaction.params.client_id ?? "");
  const client = await provider.Client.find(clientId);
  if (!client) return null;
  const prompt = interaction.prompt.name === "consent" ? "consent" : "login";
  const scopes = String(interaction.params.scope ?? "")
    .split(" ")
    .filter((s) => SCOPE_ORDER.includes(s))
    .sort((a, b) => SCOPE_ORDER.indexOf(a) - SCOPE_ORDER.indexOf(b));
  const session = principal?.session;
  return {
    uid,
    prompt,
    client: { id: client.clientId, name: client.clientName ?? client.clientId },
    scopes: [...new Set(scopes)],
    signedIn:
      principal && session
        ? {
            label: labelOf(principal),
            fresh: session.authenticatedAt >= signInNeededAfter(interaction, Date.now()),
            sameAccount: !interaction.session || interaction.session.accountId === String(principal.user.id),
          }
        : null,
  };
}

export interface ActionContext {
  provider: Provider;
  auth: Auth;
  req: IncomingMessage;
  res: ServerResponse;
  uid: string;
  action: InteractionAction;
  principal: Principal | null;
  meta: RequestMeta;
}

/**
 * Where the provider goes on, reached by a plain navigation rather than the form's redirect: a
 * page's CSP `form-action 'self'` also governs where a form's redirects lead, and this chain
 * ends at the application, on another site. A refresh is a navigation of its own.
 */
function continuePage(res: ServerResponse, location: string): void {
  const url = escapeHtml(location);
  res.statusCode = 200;
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader("referrer-policy", "no-referrer");
  res.end(`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${url}"><title>…</title></head><body><p><a href="${url}">Continue</a></p></body></html>`);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader("location", location);
  res.setHeader("cache-control", "no-store");
  res.end();
}

/**
 * The interaction page's buttons. The provider's interaction cookie (path-scoped to this
 * interaction, SameSite=Lax) says this browser started it; our session cookie says who is
 * signed in. A step that needs a (fresh) sign-in sends the person to our own sign-in page,
 * which brings them back here.
 */
export async function runAction(c: ActionContext): Promise<void> {
  const { provider, req, res, uid, principal } = c;
  const here = `/oidc/interaction/${uid}`;
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new InteractionMismatch();
  // A consent keeps the sign-in submitted before it in this request (prompt=login is then resolved); a sign-in starts afresh.
  const finish = async (result: InteractionResults, merge = false) =>
    continuePage(res, await provider.interactionResult(req, res, result, { mergeWithLastSubmission: merge }));

  if (c.action === "abort") {
    return finish({ error: "access_denied", error_description: "End-User aborted interaction" });
  }
  const session = principal?.session;
  if (!principal || !session) return redirect(res, `/login?next=${encodeURIComponent(here)}`);

  if (c.action === "login") {
    if (interaction.prompt.name !== "login") return redirect(res, here);
    if (session.authenticatedAt < signInNeededAfter(interaction, Date.now())) {
      return redirect(res, `/login?fresh=1&next=${encodeURIComponent(here)}`);
    }
    return finish({ login: { accountId: String(principal.user.id), ts: Math.floor(session.authenticatedAt / 1000) } });
  }

  // confirm: consent, given by the account that signed in for this interaction.
  if (interaction.prompt.name !== "consent") return redirect(res, here);
  const accountId = interaction.session?.accountId;
  if (!accountId || accountId !== String(principal.user.id)) throw new InteractionMismatch();
  const clientId = String(interaction.params.client_id);
  const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (details.missingOIDCScope?.length) grant.addOIDCScope(details.missingOIDCScope.join(" "));
  if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
  const grantId = await grant.save();
  await c.auth.oidc.recordConsent(principal.user.id, clientId, details.missingOIDCScope ?? [], c.meta);
  return finish({ consent: { grantId } }, true);
}

/** The interaction is not this browser's, or not this account's. */
export class InteractionMismatch extends Error {
  constructor() {
    super("interaction mismatch");
    this.name = "InteractionMismatch";
  }
}
