export { createApiHandler, type ApiHandler, type ApiHandlerOptions } from "./handler";
export type { PlainAnswer, PlainRequest } from "./fast-queries";
export { appRouter, createCaller, type AppRouter } from "./root";
export { createApiContext, type ApiContext } from "./trpc";
export { TRPC_CODE } from "./errors";
export { SESSION_COOKIE } from "./http/request";
export { callerForHeaders } from "./web-caller";
export { compileTrustProxy, forwardedFor, trustNobody, TRUST_PROXY_NAMES, type TrustProxy } from "./http/trust-proxy";
