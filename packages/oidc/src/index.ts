/**
 * The OpenID Connect provider, on oidc-provider (the certified library): the protocol is the
 * library's, the storage our Store's, the sign-in and consent pages the web app's.
 */
export { createOidcHandler, type OidcHandler, type OidcHandlerOptions } from "./handler";
export type { OidcInteractionView } from "./interactions";
export { PATHS as OIDC_PATHS } from "./provider";
