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

  it.each(["480215", "112233", "135790", "123455", "000001", "901234"])("accepts %s", (pin) => {
    expect(pinProblem(pin)).toBeNull();
    expect(() => assertPinPolicy(pin)).not.toThrow();
  });
});
