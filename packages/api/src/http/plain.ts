import type { ClientInfo, HeaderSource } from "./request";

/**
 * A request as the API reads it without a fetch `Request`: what a server built on node:http
 * hands over, so that the hottest requests build no `Request` or `Response` (see
 * fast-queries.ts and rest/framework.ts). `api.fetch` makes one from a `Request` too.
 */
export interface PlainRequest {
  method: string;
  /** The path as sent, without its query string; a trailing slash is allowed. */
  pathname: string;
  hasQuery: boolean;
  headers: HeaderSource;
  /** The connection itself is HTTPS. */
  overTls: boolean;
  info?: ClientInfo;
}

/** A request with what a REST route may read besides its headers: the query and the body. */
export interface PlainBodyRequest extends PlainRequest {
  /** The query string, with its `?`, or "" (the path is then read as a URL parser reads it). */
  search: string;
  /** The body, refused past `limit` bytes (BodyTooLarge, see bodyCollector); read once at most. */
  body(limit: number): Promise<Uint8Array>;
}

type HeaderList = readonly (readonly [string, string])[];

/** An answer written whole: its headers in the order a fetch `Headers` lists them, as the server's fetch adapter writes them. */
export interface PlainAnswer {
  status: number;
  headers: HeaderList;
  body: string;
}

/** The same answer as a fetch `Response`, for `api.fetch`. */
export const responseOf = (answer: PlainAnswer): Response =>
  new Response(answer.body, { status: answer.status, headers: answer.headers.map(([name, value]): [string, string] => [name, value]) });
