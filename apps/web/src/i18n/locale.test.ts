import { describe, expect, it } from "vitest";
import { safeNext } from "./locale";

/** Where a browser would go from a page of our site when sent to `next`. */
const SITE = "https://auth.example.com";
const landsOn = (next: string) => new URL(next, `${SITE}/login`);

describe("safeNext (issue 10, hole 10: open redirect)", () => {
  it.each([
    ["/account", "/account"],
    ["/account?tab=sessions#pin", "/account?tab=sessions#pin"],
    ["/admin/audit?kind=login&page=2", "/admin/audit?kind=login&page=2"],
    ["/pin", "/pin"],
    // Odd but same-site: kept, in the form a browser would resolve it to.
    ["/a/../account", "/account"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/ünïcode", "/%C3%BCn%C3%AFcode"],
  ])("keeps the same-site path %j as %j", (next, kept) => {
    expect(safeNext(next)).toBe(kept);
    expect(landsOn(safeNext(next)).origin).toBe(SITE);
  });

  it.each([
    "//evil.example",
    "//evil.example/account",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\\\t/evil.example",
    "/./\t/evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "https://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "HTTPS://evil.example",
    "http://evil.example",
    "ftp://evil.example",
    "//auth.example.com@evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "",
  ])("refuses %j (falls back to /account)", (next) => {
    expect(safeNext(next)).toBe("/account");
  });

  it("refuses every evil variant as a browser would read the query string, encoded or not", () => {
    for (const raw of ["%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%0A%2Fevil.example", "/%09/evil.example"]) {
      const next = new URLSearchParams(`next=${raw}`).get("next");
      const kept = safeNext(next);
      expect(landsOn(kept).origin, `${raw} -> ${kept}`).toBe(SITE);
      expect(kept.startsWith("/") && !kept.startsWith("//") && !kept.startsWith("/\\"), kept).toBe(true);
    }
  });

  it("falls back for nothing, and takes the given fallback", () => {
    expect(safeNext(null)).toBe("/account");
    expect(safeNext(undefined)).toBe("/account");
    expect(safeNext("//evil.example", "/")).toBe("/");
  });
});
