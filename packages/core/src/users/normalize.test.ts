import { describe, expect, it } from "vitest";
import { AuthError } from "../errors";
import { authErrorSync } from "../test-helpers";
import { classifyIdentifier, normalizeEmail, normalizePhone, normalizeUsername, type PhoneRules } from "./normalize";

const ID: PhoneRules = { defaultCountry: "ID", smsCountries: ["ID"] };
const MY_AND_ID: PhoneRules = { defaultCountry: "MY", smsCountries: ["MY", "ID"] };

describe("normalizePhone", () => {
  it("reads a local number and its international form as the same E.164 with the default country ID", () => {
    expect(normalizePhone("0881829915", ID)).toBe("+62881829915");
    expect(normalizePhone("+62881829915", ID)).toBe("+62881829915");
    expect(normalizePhone(" 0881-829-915 ", ID)).toBe("+62881829915");
  });

  it("uses the default country only for numbers without a country code", () => {
    expect(normalizePhone("0881829915", MY_AND_ID)).not.toBe("+62881829915");
    expect(normalizePhone("+62881829915", MY_AND_ID)).toBe("+62881829915");
  });

  it.each(["", "abc", "12", "+62", "0881", "+1 555 0100", "+999 1234 5678"])("refuses %j with INVALID_PHONE", (input) => {
    const e = authErrorSync(() => normalizePhone(input, ID));
    expect(e.code).toBe("INVALID_PHONE");
    expect(e.detail.field).toBe("phone");
  });

  it("refuses a valid number of a country SMS may not go to, as an invalid number (SMS pumping)", () => {
    expect(authErrorSync(() => normalizePhone("+14155550100", ID)).code).toBe("INVALID_PHONE");
    expect(authErrorSync(() => normalizePhone("+447911123456", ID)).code).toBe("INVALID_PHONE");
    expect(normalizePhone("+14155550100", { defaultCountry: "ID", smsCountries: ["ID", "US"] })).toBe("+14155550100");
    // A number that belongs to no single country (international freephone) is never allowed.
    expect(authErrorSync(() => normalizePhone("+80012345678", { defaultCountry: "ID", smsCountries: ["ID", "US"] })).code).toBe("INVALID_PHONE");
  });

  it("never stores more than E.164's 15 digits", () => {
    // +62 and 17 national digits: "possible" by Indonesia's length table, but 19 digits is not E.164.
    expect(authErrorSync(() => normalizePhone("+6288182991512345678", ID)).code).toBe("INVALID_PHONE");
    expect(authErrorSync(() => normalizePhone("088182991512345678", ID)).code).toBe("INVALID_PHONE");
    expect(normalizePhone("+62881829915123", ID)).toBe("+62881829915123");
  });
});

describe("normalizeEmail", () => {
  it("trims and lower-cases", () => {
    expect(normalizeEmail("  Ana.Maria@Example.COM ")).toBe("ana.maria@example.com");
  });

  it.each(["ana", "ana@", "@example.com", "ana@example", "ana maria@example.com", "ana@@example.com"])(
    "refuses %j with INVALID_EMAIL",
    (input) => {
      expect(authErrorSync(() => normalizeEmail(input)).code).toBe("INVALID_EMAIL");
    },
  );

  it("refuses an address longer than 254 characters", () => {
    expect(authErrorSync(() => normalizeEmail(`${"a".repeat(250)}@example.com`)).code).toBe("INVALID_EMAIL");
  });
});

describe("normalizeUsername", () => {
  it("keeps the name as typed but drops a leading @", () => {
    expect(normalizeUsername(" @Ana_M ")).toBe("Ana_M");
  });

  it.each(["ab", "a".repeat(33), "ana maria", "ana!"])("refuses %j with INVALID_USERNAME", (input) => {
    expect(authErrorSync(() => normalizeUsername(input)).code).toBe("INVALID_USERNAME");
  });
});

describe("classifyIdentifier (the one login box)", () => {
  it("tells email, phone and username apart and normalises each", () => {
    expect(classifyIdentifier("Ana@Example.com", ID)).toEqual({ kind: "email", value: "ana@example.com" });
    expect(classifyIdentifier("0881829915", ID)).toEqual({ kind: "phone", value: "+62881829915" });
    expect(classifyIdentifier("+62 881 829 915", ID)).toEqual({ kind: "phone", value: "+62881829915" });
    expect(classifyIdentifier("ana_m", ID)).toEqual({ kind: "username", value: "ana_m" });
    expect(classifyIdentifier("@ana_m", ID)).toEqual({ kind: "username", value: "ana_m" });
  });

  it("throws an AuthError for something that is none of them", () => {
    expect(() => classifyIdentifier("not a name!", ID)).toThrow(AuthError);
  });
});
