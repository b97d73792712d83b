import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fakeClockEachTest, lastCode } from "./test-helpers";
import { createTestAuth } from "./testing";
import { CODE_LENGTH, isCodeShape, isPinShape, pickLocale, PIN_LENGTH } from "./vocabulary";
import { pinProblem } from "./pin/policy";

fakeClockEachTest();

describe("the vocabulary screens read", () => {
  it("imports nothing at run time, so a browser bundle can take it alone", () => {
    const source = readFileSync(new URL("./vocabulary.ts", import.meta.url), "utf8");
    const imports = source.split("\n").filter((line) => /^\s*import\b/.test(line));
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) expect(line).toMatch(/^import type /);
  });

  it("describes the codes core sends: CODE_LENGTH digits", async () => {
    const { auth } = createTestAuth();
    await auth.requestPhoneCode({ phone: "0881829915", createIfMissing: true });
    const code = (await lastCode(auth, "0881829915"));
    expect(code).toHaveLength(CODE_LENGTH);
    expect(isCodeShape(code)).toBe(true);
    expect(isCodeShape(code.slice(1))).toBe(false);
  });

  it("describes the PINs core accepts: PIN_LENGTH digits, no more, no less", () => {
    const good = "550271";
    expect(good).toHaveLength(PIN_LENGTH);
    expect(isPinShape(good) && pinProblem(good)).toBe(null);
    expect(pinProblem(good + "3")).toBe("not_digits");
    expect(isPinShape(good + "3")).toBe(false);
  });
});

describe("pickLocale", () => {
  it("takes the switch's choice first, then the browser's languages by weight, else English", () => {
    expect(pickLocale("id", "en-US,en;q=0.9")).toBe("id");
    expect(pickLocale("fr", "en;q=0.2, id-ID;q=0.8")).toBe("id");
    expect(pickLocale(undefined, "fr-FR, ms;q=0.5, en;q=0.4")).toBe("id");
    expect(pickLocale(undefined, "fr-FR, de;q=0.5")).toBe("en");
    expect(pickLocale(undefined, null)).toBe("en");
  });
});
