import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * What server.ts decides about each request before anyone answers it: the security headers
 * of the answer, and (for pages) the facts Next cannot learn from the request on its own.
 * Server-only: pages reach these facts through the bridge.
 */

export type HeaderList = readonly (readonly [string, string])[];

/** A year; only ever sent over HTTPS (RFC 6797 8.1: ignored over plain HTTP anyway). */
const HSTS: readonly [string, string] = ["strict-transport-security", "max-age=31536000"];

const FRAMING: HeaderList = [
  ["x-frame-options", "DENY"],
  ["x-content-type-options", "nosniff"],
];

/**
 * API answers are JSON that no browser should render, frame or run: nothing may load from
 * them. Built once; the token check's fast path only copies them onto the response.
 */
const API_HEADERS: HeaderList = [
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ...FRAMING,
  ["referrer-policy", "no-referrer"],
];
const API_HEADERS_TLS: HeaderList = [...API_HEADERS, HSTS];

export const apiHeaders = (secure: boolean): HeaderList => (secure ? API_HEADERS_TLS : API_HEADERS);

/**
 * A nonce-based policy for Next's App Router: Next reads the nonce from the request's
 * Content-Security-Policy header and puts it on every script and style it writes (its
 * runtime, the RSC payload scripts, React's streaming scripts); 'strict-dynamic' lets those
 * load the chunks they need. Every page is rendered per request (the root layout reads the
 * session), so each answer carries a fresh nonce. Next's dev mode needs eval and injects
 * styles without the nonce.
 */
export function pageCsp(nonce: string, opts: { secure: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${opts.dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.secure ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * Pages: the referrer of a link to another site is our origin only (a reset link's token is
 * in the page's address), while same-origin requests keep theirs: with no-referrer, browsers
 * send `Origin: null` on same-origin POSTs, which the cookie's same-origin check refuses.
 */
export function pageHeaders(csp: string, secure: boolean): HeaderList {
  return [
    ["content-security-policy", csp],
    ...FRAMING,
    ["referrer-policy", "strict-origin-when-cross-origin"],
    ["cross-origin-opener-policy", "same-origin"],
    ...(secure ? [HSTS] : []),
  ];
}

export const newNonce = (): string => randomBytes(16).toString("base64");

/** Header names server.ts owns on a page request: a client's own values are dropped. */
export const EDGE_HEADER = "x-authsvc-edge";

export interface EdgeFacts {
  /** The dev outbox answers this request (its mode, and where the request came from: devOutboxAnswers in @authsvc/api). */
  devOutbox: boolean;
  /** The request came over HTTPS (directly, or through a trusted proxy). */
  secure: boolean;
}

/**
 * Next sees only the request's headers, not its socket, and adds X-Forwarded-For itself;
 * server.ts therefore writes what it found into a request header that only it can write:
 * any value the client sent is replaced, and the value carries a per-process secret.
 */
export function edgeMarks(secret = randomBytes(18).toString("base64url")) {
  return {
    /** Sets the facts and the nonce'd policy on a page request, replacing anything the client sent. */
    mark(headers: IncomingHttpHeaders, facts: EdgeFacts, csp: string): void {
      headers[EDGE_HEADER] = `${secret} ${facts.devOutbox ? "outbox" : "-"} ${facts.secure ? "secure" : "plain"}`;
      // Next takes the nonce for its scripts from the request's policy.
      headers["content-security-policy"] = csp;
      delete headers["content-security-policy-report-only"];
    },
    /** The facts server.ts wrote; with no (or a forged) mark, the cautious answer. */
    read(headers: Pick<Headers, "get">): EdgeFacts {
      const [given, outbox, secure] = (headers.get(EDGE_HEADER) ?? "").split(" ");
      if (given !== secret) return { devOutbox: false, secure: false };
      return { devOutbox: outbox === "outbox", secure: secure === "secure" };
    },
  };
}

