import { describe, expect, it } from "vitest";
import { authErrorSync } from "../test-helpers";
import { assertPinPolicy, pinProblem } from "./policy";

describe("PIN policy", () => {
  it.each(["111111", "000000", "999999", "123456", "012345", "456789", "654321", "987654", "543210"])(
    "refuses the trivial PIN %s with TRIVIAL_PIN",
    (pin) => {
      const e = authErrorSync(() => assertPinPolicy(pin));
      expect(e.code).toBe("TRIVIAL_PIN");
      expect(e.detail.reason).toBe("trivial");
    },
  );

  it.each(["12345", "1234567", "12a456", " 48021", "４８０２１５", ""])("refuses %j as not six digits", (pin) => {
    const e = authErrorSync(() => assertPinPolicy(pin));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.detail.reason).toBe("not_digits");
  });

  it.each(["480215", "135790", "123455", "000001", "901234", "902734", "550271", "112234", "123312", "198123", "194919", "201120", "198018"])(
    "accepts %s",
    (pin) => {
      expect(pinProblem(pin)).toBeNull();
      expect(() => assertPinPolicy(pin)).not.toThrow();
    },
  );
});

describe("PIN policy: the most common PINs", () => {
  const refusedAsCommon = (pin: string) => {
    const e = authErrorSync(() => assertPinPolicy(pin));
    expect(e.code).toBe("TRIVIAL_PIN");
    expect(e.detail.reason).toBe("common");
  };

  it.each([
    ["123123", "a block of three repeated"],
    ["007007", "a block of three repeated"],
    ["520520", "a block of three repeated"],
    ["121212", "a pair repeated"],
    ["101010", "a pair repeated"],
    ["696969", "a pair repeated"],
    ["111222", "two tripled digits"],
    ["777888", "two tripled digits"],
    ["000999", "two tripled digits"],
    ["112233", "doubled digits in a run"],
    ["998877", "doubled digits in a run"],
    ["778899", "doubled digits in a run"],
    ["123321", "a mirror"],
    ["654456", "a mirror"],
    ["100001", "a mirror"],
    ["159753", "a keypad shape"],
    ["147258", "a keypad shape"],
    ["789456", "a keypad shape"],
  ])("refuses %s (%s) with reason common", (pin) => refusedAsCommon(pin));

  const years = Array.from({ length: 2010 - 1950 + 1 }, (_, i) => String(1950 + i));
  it("refuses every year 1950-2010 followed or preceded by either half of it", () => {
    for (const y of years) {
      for (const half of [y.slice(0, 2), y.slice(2)]) {
        refusedAsCommon(y + half);
        refusedAsCommon(half + y);
      }
    }
    // 4 PINs per year at most (fewer where the halves coincide): the rule stays narrow.
    const refused = new Set(years.flatMap((y) => [y + y.slice(0, 2), y + y.slice(2), y.slice(0, 2) + y, y.slice(2) + y]));
    expect(refused.size).toBeLessThanOrEqual(4 * years.length);
  });

  it.each(["194919", "201120", "194949", "201111"])("leaves years outside 1950-2010 alone: %s", (pin) => {
    expect(pinProblem(pin)).toBeNull();
  });

  it("refuses a small share of all 6-digit PINs, so a chosen one is rarely turned down", () => {
    let refused = 0;
    for (let n = 0; n < 1_000_000; n++) if (pinProblem(String(n).padStart(6, "0")) !== null) refused++;
    // Palindromes (1,000) and repeated triples (1,000) are most of it: under 0.3 %.
    expect(refused).toBeLessThan(3_000);
  });
});
