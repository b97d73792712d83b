import { AuthError } from "../errors";
import { isPinShape } from "../vocabulary";

/**
 * Why a PIN is refused: `not_digits` (not exactly six ASCII digits), `trivial` (one repeated
 * digit, a straight run) or `common` (a shape people pick far more often than chance).
 */
export type PinProblem = "not_digits" | "trivial" | "common";

/**
 * Keypad shapes that frequency lists of leaked 6-digit codes rank near the top (lines,
 * columns, the X and V over a phone keypad). Straight runs and repeats are rules below.
 */
const KEYPAD_SHAPES = new Set([
  ...["159753", "951357", "357951", "753159"],
  ...["147258", "258369", "369258", "852741", "741852", "963852", "147369", "963741"],
  ...["789456", "456123", "321654", "654987"],
]);

const FIRST_YEAR = 1950;
const LAST_YEAR = 2010;

/**
 * A year from FIRST_YEAR to LAST_YEAR written in full, with the other two digits repeating
 * half of it: 198019, 198080, 191980, 801980. Birth and other memorable years are the
 * most common theme in chosen PINs after repeats and runs (Bonneau, Preibusch and Anderson,
 * "A birthday present every eleven wallets?", FC 2012).
 */
function isYearPattern(pin: string): boolean {
  const yearWith = (year: string, other: string) => {
    const y = Number(year);
    return y >= FIRST_YEAR && y <= LAST_YEAR && (other === year.slice(0, 2) || other === year.slice(2));
  };
  return yearWith(pin.slice(0, 4), pin.slice(4)) || yearWith(pin.slice(2), pin.slice(0, 2));
}

/**
 * Shapes that dominate published PIN frequency studies (DataGenetics' analysis of 3.4 million
 * leaked codes; Wang et al., "Understanding Human-chosen PINs", AsiaCCS 2017): a block
 * repeated (121212, 101010, 123123, 007007), two tripled digits (111222), doubled digits in
 * a run (112233, 998877), a mirror (123321, 654456), a keypad shape, a year pattern.
 */
function isCommonShape(pin: string): boolean {
  if (/^(\d\d)\1\1$/.test(pin) || /^(\d{3})\1$/.test(pin)) return true;
  if (/^(\d)\1\1(\d)\2\2$/.test(pin)) return true;
  if (/^(\d)\1(\d)\2(\d)\3$/.test(pin)) {
    const [a, b, c] = [Number(pin[0]), Number(pin[2]), Number(pin[4])];
    if (Math.abs(b - a) === 1 && c - b === b - a) return true;
  }
  if (pin === [...pin].reverse().join("")) return true;
  return KEYPAD_SHAPES.has(pin) || isYearPattern(pin);
}

/** Six digits, not one repeated digit or a straight run up or down, and not a common shape. */
export function pinProblem(pin: string): PinProblem | null {
  if (!isPinShape(pin)) return "not_digits";
  const d = [...pin].map(Number);
  const steps = d.slice(1).map((v, i) => v - d[i]!);
  if (steps.every((s) => s === 0)) return "trivial";
  if (steps.every((s) => s === 1) || steps.every((s) => s === -1)) return "trivial";
  if (isCommonShape(pin)) return "common";
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
  if (reason === "common") {
    throw new AuthError(
      "TRIVIAL_PIN",
      { reason, field: "pin" },
      "That PIN is one of the most common ones: avoid repeated blocks like 121212 or 123123, mirrors like 123321, keypad patterns and years.",
    );
  }
}
