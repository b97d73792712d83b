import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * What server.ts decides about a page request before Next answers it: the facts Next cannot
 * learn from the request on its own (it sees headers, not the socket), and the nonce'd policy
 * Next takes its script nonce from. Server-only: pages reach these facts through the bridge.
 */

/** The request header server.ts owns on a page request: a client's own value is replaced. */
export const REQUEST_FACTS_HEADER = "x-authsvc-edge";

export interface RequestFacts {
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
export function requestFactMarks(secret = randomBytes(18).toString("base64url")) {
  return {
    /** Sets the facts and the nonce'd policy on a page request, replacing anything the client sent. */
    mark(headers: IncomingHttpHeaders, facts: RequestFacts, csp: string): void {
      headers[REQUEST_FACTS_HEADER] = `${secret} ${facts.devOutbox ? "outbox" : "-"} ${facts.secure ? "secure" : "plain"}`;
      // Next takes the nonce for its scripts from the request's policy.
      headers["content-security-policy"] = csp;
      delete headers["content-security-policy-report-only"];
    },
    /** The facts server.ts wrote; with no (or a forged) mark, the cautious answer. */
    read(headers: Pick<Headers, "get">): RequestFacts {
      const [given, outbox, secure] = (headers.get(REQUEST_FACTS_HEADER) ?? "").split(" ");
      if (given !== secret) return { devOutbox: false, secure: false };
      return { devOutbox: outbox === "outbox", secure: secure === "secure" };
    },
  };
}

