import { CredentialTaken, UniqueConflict } from "@authsvc/store";
import { withoutQueryValues } from "../../query-error";

/** SQLite names a column index by `table.column` and an expression index by its name. */
const FIELDS: [string, UniqueConflict["field"]][] = [
  ["users.email", "email"],
  ["users.phone", "phone"],
  ["users_username_unique", "username"],
  ["users.customer_number", "customerNumber"],
  ["users.account_number", "accountNumber"],
];

/**
 * A unique-index violation on a user's field as the store's UniqueConflict, and on a passkey's
 * credential id as CredentialTaken; anything else without the query's values.
 */
export function translateError(err: unknown): unknown {
  // Drizzle may wrap the driver's error; the constraint is named in the innermost one.
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE") {
      if (e.message.includes("second_factors.credential_id")) return new CredentialTaken();
      const field = FIELDS.find(([name]) => e instanceof Error && e.message.includes(name));
      return field ? new UniqueConflict(field[1]) : withoutQueryValues(err);
    }
  }
  return withoutQueryValues(err);
}
