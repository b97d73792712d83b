import { describe, expect, it } from "vitest";
import { REQUEST_FACTS_HEADER, requestFactMarks } from "./request-facts";

describe("request facts: what server.ts tells pages about a request", () => {
  it("reads back what the server wrote, and replaces whatever the client sent", () => {
    const marks = requestFactMarks();
    const headers: Record<string, string | string[] | undefined> = {
      [REQUEST_FACTS_HEADER]: "guess outbox secure",
      "content-security-policy-report-only": "script-src 'nonce-attacker'",
      "content-security-policy": "script-src 'nonce-attacker'",
    };
    marks.mark(headers, { devOutbox: true, secure: false }, "script-src 'nonce-ours'");
    expect(headers["content-security-policy"]).toBe("script-src 'nonce-ours'");
    expect(headers["content-security-policy-report-only"]).toBeUndefined();
    expect(marks.read(new Headers(headers as Record<string, string>))).toEqual({ devOutbox: true, secure: false });
  });

  it("a mark the server did not write counts for nothing (no outbox, not secure)", () => {
    const marks = requestFactMarks();
    const other = requestFactMarks();
    const forged: Record<string, string> = {};
    other.mark(forged, { devOutbox: true, secure: true }, "");
    expect(marks.read(new Headers(forged))).toEqual({ devOutbox: false, secure: false });
    expect(marks.read(new Headers({ [REQUEST_FACTS_HEADER]: "x outbox secure" }))).toEqual({ devOutbox: false, secure: false });
    expect(marks.read(new Headers())).toEqual({ devOutbox: false, secure: false });
  });
});
