/**
 * Whether a `Host` header names a host a URL can be built from, written as that URL writes it:
 * a name or an IP literal (IPv6 in brackets), an optional port, nothing else. `a b`,
 * `[::ffff:127.0.0.1]` (the URL spells it `[::ffff:7f00:1]`), `127.1`, `a@b`, `host:99999`
 * are not: the request is a bad one (400), and no route may read them as a name. Exactly what
 * the server's request adapter (@hono/node-server) accepts, or stricter, so that the server
 * can answer them here before the adapter fails on them. No header at all (HTTP/1.0) is fine.
 */
export function wellFormedHost(host: string | null | undefined): boolean {
  if (!host) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return false;
  }
  // Any userinfo, path, percent-escape or rewritten IP literal makes the two differ.
  return hostname === host.replace(/:\d+$/, "").toLowerCase();
}
