export { createApiHandler, type ApiHandlerOptions } from "./handler";
export type { PlainAnswer, PlainBodyRequest, PlainRequest } from "./http/plain";
export { createCaller, type AppRouter } from "./root";
export { createApiContext } from "./trpc";
// Named here so a client's bundled types (packages/client) can spell the procedures' metadata.
export type { ProcedureMeta } from "./trpc";
export { bodyCollector, isSecure, readSessionCookie, requestMeta, sessionCookie, SESSION_COOKIE } from "./http/request";
export { callerForHeaders } from "./web-caller";
export { devOutboxAnswers, type DevOutboxMode } from "./http/dev-outbox";
export { wellFormedHost } from "./http/host";
export { compileTrustProxy, forwardedFor, trustNobody, type TrustProxy } from "./http/trust-proxy";
