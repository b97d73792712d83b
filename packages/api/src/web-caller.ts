import type { Auth } from "@authsvc/core";
import { deviceToken, readSessionCookie } from "./http/request";
import { createCaller } from "./root";
import { createApiContext } from "./trpc";

/**
 * A caller for a page rendered on the server: it acts as whoever the request's session
 * cookie names, with the same rules as over HTTP (over HTTPS only the `__Host-` name: the
 * server says which, since a page cannot see the connection). Server components only read.
 */
export function callerForHeaders(auth: Auth, headers: Headers, connection: { secure: boolean }) {
  const token = readSessionCookie(headers, connection.secure);
  const device = deviceToken(headers);
  return createCaller(
    createApiContext({
      auth,
      meta: { userAgent: headers.get("user-agent") ?? undefined, ...(device ? { device } : {}) },
      credential: token ? { token, from: "cookie" } : null,
    }),
  );
}
