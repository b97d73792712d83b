export { createApiHandler, type ApiHandlerOptions } from "./handler";
export type { PlainAnswer, PlainRequest } from "./fast-queries";
export { createCaller, type AppRouter } from "./root";
export { createApiContext } from "./trpc";
export { isSecure, SESSION_COOKIE } from "./http/request";
export { callerForHeaders } from "./web-caller";
export { devOutboxAnswers, type DevOutboxMode } from "./http/dev-outbox";
export { wellFormedHost } from "./http/host";
export { compileTrustProxy, forwardedFor, trustNobody, type TrustProxy } from "./http/trust-proxy";
