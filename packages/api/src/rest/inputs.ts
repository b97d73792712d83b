import { CODE_LENGTH, isCodeShape } from "@authsvc/core/vocabulary";
import { z } from "zod";

// Shapes only: the rules (number parsing, password policy) live in core.
export const phoneInput = z.string().trim().min(4).max(32);
/** Any string, for routes that answer a string that is not a number in their own words (core's INVALID_PHONE). */
export const phoneString = z.string();
export const emailInput = z.string().trim().min(3).max(254);

/**
 * A code (core's CODE_LENGTH digits), the one reading of every door's code field (002
 * `otp_number`, 003 `code`, ...): JSON numbers are accepted and zero-padded (12345 means
 * "012345" for six digits).
 */
export const codeInput = z
  .union([z.string().trim(), z.number().int().nonnegative().max(10 ** CODE_LENGTH - 1)])
  .transform((v) => (typeof v === "number" ? String(v).padStart(CODE_LENGTH, "0") : v))
  .pipe(z.string().refine(isCodeShape));

/** A PIN as documented ("string"); a JSON number is taken as written; core judges its shape. */
export const pinInput = z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v)).pipe(z.string().max(64));
