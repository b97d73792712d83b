import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { AuthError } from "../errors";
import { EMAIL_MAX_LENGTH, USERNAME_PATTERN } from "../vocabulary";

/**
 * No white space, no control character (U+0000 is one PostgreSQL text cannot hold: a lookup by
 * such an email failed there with a 500) and no lone surrogate, in either part: such an address
 * is no address, on every door and both engines alike.
 */
const EMAIL = /^[^\s@\p{Cc}\p{Cs}]+@[^\s@.\p{Cc}\p{Cs}]+(\.[^\s@.\p{Cc}\p{Cs}]+)+$/u;

export function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL.test(email)) throw new AuthError("INVALID_EMAIL", { field: "email" });
  return email;
}

/** How phone numbers are read: the region of numbers written without `+`, and the countries SMS may go to. */
export interface PhoneRules {
  defaultCountry: CountryCode;
  /** Numbers of any other country are invalid numbers (premium-rate and pumping ranges abroad). */
  smsCountries: readonly CountryCode[];
}

/** E.164, parsed with the default region: `0881829915` and `+62881829915` are one number. */
export function normalizePhone(input: string, rules: PhoneRules): string {
  const parsed = parsePhoneNumberFromString(input.trim(), rules.defaultCountry);
  // E.164 allows at most 15 digits, whatever a region's length table lets through.
  if (!parsed || !parsed.isPossible() || parsed.number.length > 16) throw new AuthError("INVALID_PHONE", { field: "phone" });
  if (!parsed.country || !rules.smsCountries.includes(parsed.country)) throw new AuthError("INVALID_PHONE", { field: "phone" });
  return parsed.number;
}

const USERNAME = new RegExp(USERNAME_PATTERN);

export function normalizeUsername(input: string): string {
  const username = input.trim().replace(/^@/, "");
  if (!USERNAME.test(username)) throw new AuthError("INVALID_USERNAME", { field: "username" });
  return username;
}

/** An identifier typed into one login box: an email, a phone number or a username. */
export function classifyIdentifier(
  input: string,
  rules: PhoneRules,
): { kind: "email" | "phone" | "username"; value: string } {
  const raw = input.trim();
  if (raw.includes("@") && !raw.startsWith("@")) return { kind: "email", value: normalizeEmail(raw) };
  if (/^\+?[\d\s().-]{6,}$/.test(raw)) return { kind: "phone", value: normalizePhone(raw, rules) };
  return { kind: "username", value: normalizeUsername(raw) };
}
