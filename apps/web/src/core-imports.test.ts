import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
/** The screens and what they are built from; the server wiring (src/server, src/env.ts) starts core itself. */
const SCREENS = ["app", "src/components", "src/i18n", "src/trpc"];

/** A wait written as a figure: `resendIn={60}`, `resendIn: 60`, `RESEND_IN = 60`, `retryAfterSec ?? 60`, `return 60;`. */
const RESEND_COPY = /resendIn(?:=\{|:)\s*\d|RESEND_IN\s*=\s*\d|retryAfterSec\s*\?\?\s*[1-9]|^\s*return [1-9]\d*;$/m;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

// What the screens may import is the linter's (tooling/eslint/boundaries.js, webBoundaries).
describe("the screens hold no rules of core's", () => {
  it("keep no resend wait of their own: every countdown starts from the service's answer", () => {
    const copies = SCREENS.flatMap(sources).filter((file) => RESEND_COPY.test(readFileSync(join(ROOT, file), "utf8")));
    expect(copies).toEqual([]);
  });
});
