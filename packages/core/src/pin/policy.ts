import { AuthError } from "../errors";

export type PinProblem = "not_digits" | "trivial";

/** Six digits, and not one repeated digit or a straight run up or down. */
export function pinProblem(pin: string): PinProblem | null {
  if (!/^\d{6}$/.test(pin)) return "not_digits";
  const d = [...pin].map(Number);
  const steps = d.slice(1).map((v, i) => v - d[i]!);
  if (steps.every((s) => s === 0)) return "trivial";
  if (steps.every((s) => s === 1) || steps.every((s) => s === -1)) return "trivial";
  return null;
}

export function assertPinPolicy(pin: string): void {
  const reason = pinProblem(pin);
  if (reason === "not_digits") throw new AuthError("INVALID_INPUT", { reason, field: "pin" }, "A PIN is exactly 6 digits.");
  if (reason === "trivial") {
    throw new AuthError(
      "TRIVIAL_PIN",
      { reason, field: "pin" },
      "That PIN is too easy to guess: avoid one repeated digit and straight runs like 123456.",
    );
  }
}
