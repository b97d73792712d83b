import type { Auth } from "@authsvc/core";
import { cookieValue, SESSION_COOKIE } from "./http/request";
import { createCaller } from "./root";
import { createApiContext } from "./trpc";

/**
 * A caller for a page rendered on the server: it acts as whoever the request's session
 * cookie names, with the same rules as over HTTP. Server components only read.
 */
export function callerForHeaders(auth: Auth, headers: Headers) {
  const token = cookieValue(headers.get("cookie"), SESSION_COOKIE);
  return createCaller(
    createApiContext({
      auth,
      meta: { userAgent: headers.get("user-agent") ?? undefined },
      credential: token ? { token, from: "cookie" } : null,
    }),
  );
}
