import type { RequestMeta } from "@authsvc/core";
import { forwardedFor, type TrustProxy } from "./trust-proxy";

export const SESSION_COOKIE = "authsvc_session";
/**
 * The name over HTTPS. Browsers accept a `__Host-` cookie only from the host itself (Secure,
 * Path=/, no Domain), so a sibling subdomain cannot plant one (cookie tossing, e.g. its own
 * session to log the victim into the attacker's account).
 */
export const SECURE_SESSION_COOKIE = "__Host-authsvc_session";

export const sessionCookieName = (secure: boolean): string => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

/**
 * The known-device token (core's sessions/device.ts) on the web, named like the session
 * cookie; other clients send it as `X-Device-Token`. Given at every web sign-in, for a year.
 */
export const DEVICE_COOKIE = "authsvc_device";
export const SECURE_DEVICE_COOKIE = "__Host-authsvc_device";
export const DEVICE_HEADER = "x-device-token";
export const DEVICE_COOKIE_MAX_AGE_SEC = 365 * 24 * 3600;
/** Longer than any device token: not read at all. */
const MAX_DEVICE_TOKEN = 256;
export const MAX_BODY_BYTES = 64 * 1024;

export interface ClientInfo {
  /** The socket's peer address. */
  remoteAddress?: string;
}

/** "/a/b/" and "/a/b" are one route; "/" stays "/". */
export const stripSlash = (p: string): string => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);

/** A fetch `Headers`, or any other way to read a request's header by its lowercase name. */
export interface HeaderSource {
  get(name: string): string | null | undefined;
}

/**
 * The socket's address; the X-Forwarded-For chain only as far as `trust` vouches for each hop
 * (see trust-proxy.ts). No known peer, no address: a forwarded header alone proves nothing.
 */
export function clientIp(headers: HeaderSource, info: ClientInfo | undefined, trust: TrustProxy): string | undefined {
  const peer = info?.remoteAddress;
  if (!peer) return undefined;
  return forwardedFor(peer, headers.get("x-forwarded-for"), trust).replace(/^::ffff:/, "");
}

export function requestMeta(headers: HeaderSource, info: ClientInfo | undefined, trust: TrustProxy): RequestMeta {
  const device = deviceToken(headers);
  return { ip: clientIp(headers, info, trust), userAgent: headers.get("user-agent") ?? undefined, ...(device ? { device } : {}) };
}

/**
 * The device token the client presents, unchecked (core checks it against the account): the
 * `X-Device-Token` header first, else the device cookie under either name. Unlike the session
 * cookie, a planted device cookie (cookie tossing from a sibling host) gains nothing: it
 * counts only for the account it was signed for, and opens nothing even there.
 */
export function deviceToken(headers: HeaderSource): string | undefined {
  const token = headers.get(DEVICE_HEADER)?.trim() || readCookie(headers, SECURE_DEVICE_COOKIE) || readCookie(headers, DEVICE_COOKIE);
  return token && token.length <= MAX_DEVICE_TOKEN ? token : undefined;
}

export function readCookie(headers: HeaderSource, name: string): string | undefined {
  return cookieValue(headers.get("cookie"), name);
}

/** The session cookie under the one name this connection allows: over HTTPS, only the `__Host-` one counts. */
export const readSessionCookie = (headers: HeaderSource, secure: boolean): string | undefined =>
  readCookie(headers, sessionCookieName(secure));

export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined; // a mangled cookie is no credential, not an error
      }
    }
  }
  return undefined;
}

export function bearerToken(headers: HeaderSource): string | undefined {
  const h = headers.get("authorization");
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/**
 * `overTls`: whether the connection itself is HTTPS. X-Forwarded-Proto counts only when the
 * socket's peer is a trusted proxy: the same trust that decides the client's address.
 */
export function isSecure(headers: HeaderSource, overTls: boolean, trust: TrustProxy, info: ClientInfo | undefined): boolean {
  if (overTls) return true;
  const proto = headers.get("x-forwarded-proto");
  if (!proto) return false;
  const peer = info?.remoteAddress;
  return Boolean(peer && trust(peer, 0)) && proto.split(",")[0]?.trim().toLowerCase() === "https";
}

/** An HttpOnly, SameSite=Lax cookie for the whole site; `Secure` over HTTPS. */
function httpOnlyCookie(name: string, value: string, maxAgeSec: number, secure: boolean): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSec))}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export const sessionCookie = (token: string, maxAgeSec: number, secure: boolean): string =>
  httpOnlyCookie(sessionCookieName(secure), token, maxAgeSec, secure);

/** The device cookie a web sign-in sets: a year; `__Host-` over HTTPS. */
export const deviceCookie = (token: string, secure: boolean): string =>
  httpOnlyCookie(secure ? SECURE_DEVICE_COOKIE : DEVICE_COOKIE, token, DEVICE_COOKIE_MAX_AGE_SEC, secure);

/**
 * A cookie rides along on cross-site requests; a state change made with one must come from
 * our own origin. Browsers send Origin on every POST, and Sec-Fetch-Site where supported.
 */
export function isSameOrigin(headers: HeaderSource, url?: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = headers.get("origin");
  if (!origin) return false;
  // A request without Host is named by its URL (the server's adapter makes it localhost's).
  const host = headers.get("host") ?? (url ? new URL(url).host : "localhost");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export class BodyTooLarge extends Error {}

/**
 * A request body's bytes as they arrive, refused (BodyTooLarge) past `limit`: at once when
 * the declared length is over, else at the chunk that goes over, whatever was declared. The
 * one rule for every way a body is read (a fetch `Request` here, node:http in the server).
 */
export function bodyCollector(declaredLength: string | null | undefined, limit = MAX_BODY_BYTES) {
  if (Number(declaredLength ?? "0") > limit) throw new BodyTooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    add(chunk: Uint8Array): void {
      size += chunk.byteLength;
      if (size > limit) throw new BodyTooLarge();
      chunks.push(chunk);
    },
    bytes(): Uint8Array<ArrayBuffer> {
      const out = new Uint8Array(new ArrayBuffer(size));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
      }
      return out;
    },
  };
}

/** Reads at most MAX_BODY_BYTES; more is refused without reading the rest. */
export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array<ArrayBuffer>> {
  const body = bodyCollector(req.headers.get("content-length"), limit);
  if (!req.body) return body.bytes();
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return body.bytes();
    try {
      body.add(value);
    } catch (e) {
      await reader.cancel();
      throw e;
    }
  }
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
