import { describe, expect, it } from "vitest";
import { readableContact } from "./readable-contact";

describe("readableContact", () => {
  it("groups a phone number the way it is read in its country", () => {
    expect(readableContact("+6281275720404")).toBe("+62 812 7572 0404");
    expect(readableContact("+14155550123")).toBe("+1 415 555 0123");
  });

  it("leaves an email address, a number it cannot read, and a local number as they are", () => {
    expect(readableContact("ana@example.com")).toBe("ana@example.com");
    expect(readableContact("+62123")).toBe("+62123");
    expect(readableContact("081275720404")).toBe("081275720404");
  });
});
