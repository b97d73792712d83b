import type { createCaller } from "@authsvc/api";
import type { OidcInteractionView } from "@authsvc/oidc";

/**
 * Server components reach the API in-process through this bridge, which server.ts fills in
 * once at start. Next bundles pages separately from the server, so the only thing they
 * share is the process: the bridge lives on globalThis and pages import nothing of core.
 */
export interface ServerBridge {
  /** A tRPC caller acting as whoever the request's session cookie names (or nobody). */
  callerFor(headers: Headers): ReturnType<typeof createCaller>;
  /** Whether this request may see the dev outbox (its mode, and where the request came from). */
  devOutboxFor(headers: Headers): boolean;
  /** Whether this site can host passkeys (settings: AUTH_RP_ID, AUTH_RP_ORIGINS, PUBLIC_URL). */
  passkeysOffered: boolean;
  /** The OpenID sign-in or consent in progress under `uid`, as the request's signed-in person sees it; null when there is none. */
  oidcInteraction(headers: Headers, uid: string): Promise<OidcInteractionView | null>;
}

const KEY = Symbol.for("authsvc.serverBridge");

export function registerBridge(bridge: ServerBridge): void {
  (globalThis as Record<symbol, unknown>)[KEY] = bridge;
}

export function serverBridge(): ServerBridge {
  const bridge = (globalThis as Record<symbol, unknown>)[KEY] as ServerBridge | undefined;
  if (!bridge) throw new Error("the server bridge is not registered: start the app with server.ts");
  return bridge;
}

/** The bridge, or null while Next builds pages outside the server. */
export function serverBridgeOrNull(): ServerBridge | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as ServerBridge | undefined) ?? null;
}
