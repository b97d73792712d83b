export { createApiHandler, type ApiHandler, type ApiHandlerOptions } from "./handler";
export type { PlainAnswer, PlainRequest } from "./fast-queries";
export { appRouter, createCaller, type AppRouter } from "./root";
export { createApiContext, type ApiContext } from "./trpc";
export { TRPC_CODE } from "./errors";
export { isSecure, SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookieName } from "./http/request";
export { callerForHeaders } from "./web-caller";
export { devOutboxAnswers, type DevOutboxMode } from "./http/dev-outbox";
export { compileTrustProxy, forwardedFor, trustNobody, TRUST_PROXY_NAMES, type TrustProxy } from "./http/trust-proxy";
