import { isIPv4 } from "node:net";
import type { ClientInfo, HeaderSource } from "./request";

/**
 * Who the dev outbox answers (the JSON route, the web page, family 001's `verificationCode`):
 * - `off`: nobody;
 * - `local`: the machine itself only (see `fromThisMachine`), the default with no transport;
 * - `on`: anyone who reaches the server (`AUTH_DEV_OUTBOX=1`, an explicit choice).
 */
export type DevOutboxMode = "off" | "local" | "on";

/** A dotted-quad IPv4 literal (no short forms, no leading zeros) in 127.0.0.0/8. */
const loopbackV4 = (s: string): boolean => isIPv4(s) && s.startsWith("127.");

/** A socket address in 127.0.0.0/8 or ::1, also as an IPv4-mapped IPv6 address. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || loopbackV4(address.startsWith("::ffff:") ? address.slice(7) : address);
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, and nothing around them. */
const HOST_PORT = /^(?:\[([^\]]*)\]|([^:[\]]*))(?::\d*)?$/;
/** Exactly `localhost`, or a name under it (RFC 6761: always the loopback). */
const LOCALHOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*localhost$/;

/** Headers a proxy adds: a request that carries one was relayed, whatever the socket says. */
const PROXY_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"] as const;

/**
 * A browser page of another site can rename itself to 127.0.0.1 (DNS rebinding) and read
 * our answers as same-origin; it cannot make the browser send a loopback name as Host.
 */
function loopbackHost(host: string | null | undefined): boolean {
  if (!host) return true; // HTTP/1.0 clients on the machine; browsers always send Host
  const m = HOST_PORT.exec(host);
  if (!m) return false;
  // Only IP literals and localhost names: `127.attacker.example` is a name anyone can point at 127.0.0.1.
  if (m[1] !== undefined) return m[1] === "::1";
  const name = m[2]!.toLowerCase();
  return LOCALHOST_NAME.test(name) || loopbackV4(name);
}

/**
 * The request comes from this machine and no one else: a loopback peer, no proxy on the
 * way (a reverse proxy on the machine would make every visitor look local), and a Host
 * that names the loopback. A local proxy that adds none of these headers cannot be told
 * apart: that is why `local` is only the default while nothing is really delivered.
 */
export function fromThisMachine(headers: HeaderSource, info: ClientInfo | undefined): boolean {
  if (!isLoopback(info?.remoteAddress)) return false;
  for (const name of PROXY_HEADERS) if (headers.get(name) != null) return false;
  return loopbackHost(headers.get("host"));
}

/** Whether this request may see the dev outbox's codes. */
export function devOutboxAnswers(mode: DevOutboxMode, headers: HeaderSource, info: ClientInfo | undefined): boolean {
  return mode === "on" || (mode === "local" && fromThisMachine(headers, info));
}
