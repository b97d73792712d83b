import { randomBytes } from "node:crypto";

/**
 * The security headers server.ts puts on every answer before the API or Next writes it: the
 * fixed lists for API answers, and for pages a per-request nonce'd Content-Security-Policy.
 * (What server.ts tells pages about the request itself is in request-facts.ts.)
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
