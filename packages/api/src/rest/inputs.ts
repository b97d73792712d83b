import { CODE_LENGTH, EMAIL_MAX_LENGTH, isCodeShape, PIN_LENGTH } from "@authsvc/core/vocabulary";
import { z } from "zod";
import { describedBy } from "./openapi-rules";

// Shapes only: the rules (number parsing, password policy) live in core. Where core refuses
// more than the shape, the `.meta()` below tells the OpenAPI document so (see openapi-rules.ts).

export const phoneInput = z.string().trim().min(4).max(32).meta(describedBy("phoneNumber"));
/** Any string, for routes that answer a string that is not a number in their own words (core's INVALID_PHONE). */
export const phoneString = z.string().meta(describedBy("phoneNumber"));
export const emailInput = z.string().trim().min(3).max(EMAIL_MAX_LENGTH).meta({ format: "email" });
/** An address zod's own email check must pass first (family 002's register and sends); core's length bound still follows. */
export const checkedEmail = z.email().meta({ maxLength: EMAIL_MAX_LENGTH });

/** A new password under the service's policy (core's `options.password`, which the document reads when served). */
export const servicePassword = z.string().min(1).max(1024).meta(describedBy("servicePassword"));

const digits = (n: number) => `^\\d{${n}}$`;

/**
 * A code (core's CODE_LENGTH digits), the one reading of every door's code field (002
 * `otp_number`, 003 `code`, ...): JSON numbers are accepted and zero-padded (12345 means
 * "012345" for six digits).
 */
export const codeInput = z
  .union([
    z.string().trim().meta({ pattern: digits(CODE_LENGTH), description: `The ${CODE_LENGTH}-digit code that was sent.` }),
    z
      .number()
      .int()
      .nonnegative()
      .max(10 ** CODE_LENGTH - 1)
      .meta({ description: `The code as a number; leading zeros are implied (12345 reads as "${"12345".padStart(CODE_LENGTH, "0")}").` }),
  ])
  .transform((v) => (typeof v === "number" ? String(v).padStart(CODE_LENGTH, "0") : v))
  .pipe(z.string().refine(isCodeShape));

/** A PIN as documented ("string"); a JSON number is taken as written; core judges its shape. */
export const pinInput = z
  .union([z.string().meta({ pattern: digits(PIN_LENGTH), description: `A ${PIN_LENGTH}-digit PIN.` }), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .pipe(z.string().max(64));
