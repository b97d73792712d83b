import { parsePhoneNumberFromString } from "libphonenumber-js";

/** A phone number as people read it (+62 812 3456 7890); an email address, or anything else, as it is. */
export function readableContact(value: string): string {
  if (!value.startsWith("+")) return value;
  const number = parsePhoneNumberFromString(value);
  return number?.isValid() ? number.formatInternational() : value;
}
