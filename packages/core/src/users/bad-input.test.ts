/**
 * Issue 19, hole 7, at the root: input no row can match never reaches the store, so both
 * engines answer it alike (PostgreSQL refused an id past int4 and a string with U+0000).
 */
import { describe, expect, it } from "vitest";
import { createTestAuth } from "../testing";
import { normalizeEmail } from "./normalize";
import { findUserById, isUserId, MAX_USER_ID } from "./users";

describe("user ids no row can have", () => {
  it("an id past int4, 0, negative or fractional finds no user, on either engine", async () => {
    const { auth } = createTestAuth();
    for (const id of [MAX_USER_ID + 1, 99_999_999_999, Number.MAX_SAFE_INTEGER, 0, -1, 1.5, Number.NaN, Infinity]) {
      expect(isUserId(id), String(id)).toBe(false);
      await expect(findUserById(auth.ctx, id), String(id)).resolves.toBeUndefined();
    }
    expect(isUserId(1)).toBe(true);
    expect(isUserId(MAX_USER_ID)).toBe(true);
    await expect(findUserById(auth.ctx, MAX_USER_ID)).resolves.toBeUndefined();
  });
});

describe("emails with characters no address has", () => {
  it("U+0000, other control characters and lone surrogates are an invalid email", () => {
    for (const email of ["a\u0000b@example.com", "ab@exa\u0000mple.com", "ab@example.com\u0000", "a\u0007b@example.com", "a\u0085b@example.com", "a\ud800b@example.com"]) {
      expect(() => normalizeEmail(email), JSON.stringify(email)).toThrow(expect.objectContaining({ code: "INVALID_EMAIL" }));
    }
    expect(normalizeEmail(" Ana.Example+x@Example.COM ")).toBe("ana.example+x@example.com");
    expect(normalizeEmail("münchen@bücher.de")).toBe("münchen@bücher.de");
  });
});
