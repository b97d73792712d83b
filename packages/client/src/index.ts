export { createAuthClient, type AuthClient, type AuthClientOptions, type TokenSource } from "./client";
export { authErrorCode, isAuthError, type AuthClientError, type AuthErrorCode, type AuthErrorOf } from "./errors";
export type { AppRouter, RouterInputs, RouterOutputs } from "./router";
