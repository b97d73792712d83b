import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "./router";

/** A token, or where to read the current one (it changes when `auth.renew` answers a new one). */
export type TokenSource = string | null | undefined | (() => string | null | undefined | Promise<string | null | undefined>);

export interface AuthClientOptions {
  /** The service's address, such as `https://auth.example.com`: the procedures are under `/api/trpc` there. */
  url: string;
  /**
   * The bearer token (a sign-in's `accessToken`), sent as `Authorization: Bearer …`. Leave it
   * out in a page the service itself serves: the session cookie rides along instead.
   */
  token?: TokenSource;
  /** Another fetch: a test double, one with a timeout or a proxy agent. Global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

/** Every procedure of the service, typed: `client.auth.register.mutate(…)`, `client.user.me.query()`. */
export type AuthClient = TRPCClient<AppRouter>;

/**
 * The server refuses a batch of more calls than this before running any of them
 * (`MAX_BATCH_CALLS` in packages/api/src/handler.ts); the link splits larger ones.
 */
export const MAX_BATCH_CALLS = 10;

/** The service's procedures under `/api/trpc` of `options.url`, as plain JSON (the service uses no transformer). */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const base = options.url.replace(/\/+$/, "");
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/api/trpc`,
        maxItems: MAX_BATCH_CALLS,
        fetch: options.fetch,
        async headers() {
          const token = typeof options.token === "function" ? await options.token() : options.token;
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}
