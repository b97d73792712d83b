import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { AuthError } from "../errors";

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new AuthError("INVALID_EMAIL", { field: "email" });
  return email;
}

/** E.164, parsed with the default region: `0881829915` and `+62881829915` are one number. */
export function normalizePhone(input: string, country: CountryCode): string {
  const parsed = parsePhoneNumberFromString(input.trim(), country);
  // E.164 allows at most 15 digits, whatever a region's length table lets through.
  if (!parsed || !parsed.isPossible() || parsed.number.length > 16) throw new AuthError("INVALID_PHONE", { field: "phone" });
  return parsed.number;
}

const USERNAME = /^[A-Za-z0-9._-]{3,32}$/;

export function normalizeUsername(input: string): string {
  const username = input.trim().replace(/^@/, "");
  if (!USERNAME.test(username)) throw new AuthError("INVALID_USERNAME", { field: "username" });
  return username;
}

/** An identifier typed into one login box: an email, a phone number or a username. */
export function classifyIdentifier(
  input: string,
  country: CountryCode,
): { kind: "email" | "phone" | "username"; value: string } {
  const raw = input.trim();
  if (raw.includes("@") && !raw.startsWith("@")) return { kind: "email", value: normalizeEmail(raw) };
  if (/^\+?[\d\s().-]{6,}$/.test(raw)) return { kind: "phone", value: normalizePhone(raw, country) };
  return { kind: "username", value: normalizeUsername(raw) };
}
