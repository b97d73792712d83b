import type { ClientInfo, HeaderSource } from "./request";

/**
 * Who the dev outbox answers (the JSON route, the web page, family 001's `verificationCode`):
 * - `off`: nobody;
 * - `local`: the machine itself only (see `fromThisMachine`), the default with no transport;
 * - `on`: anyone who reaches the server (`AUTH_DEV_OUTBOX=1`, an explicit choice).
 */
export type DevOutboxMode = "off" | "local" | "on";

/** 127.0.0.0/8 and ::1, also as an IPv4-mapped IPv6 address. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

/** Headers a proxy adds: a request that carries one was relayed, whatever the socket says. */
const PROXY_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"] as const;

/**
 * A browser page of another site can rename itself to 127.0.0.1 (DNS rebinding) and read
 * our answers as same-origin; it cannot make the browser send a loopback name as Host.
 */
function loopbackHost(host: string | null | undefined): boolean {
  if (!host) return true; // HTTP/1.0 clients on the machine; browsers always send Host
  const name = (host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d*$/, "")).toLowerCase();
  return name === "localhost" || name.endsWith(".localhost") || isLoopback(name);
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
