import { UniqueConflict } from "@authsvc/store";

interface PgError {
  code: string;
  constraint?: string;
}

/** The driver's error under Drizzle's wrapper (DrizzleQueryError keeps it as `cause`). */
export function pgErrorOf(error: unknown): PgError | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return e as PgError;
  }
  return undefined;
}

const uniqueFields: Record<string, UniqueConflict["field"]> = {
  users_email_unique: "email",
  users_phone_unique: "phone",
  users_username_unique: "username",
  users_customer_number_unique: "customerNumber",
  users_account_number_unique: "accountNumber",
};

/** The user's unique fields, in the order of their indexes. */
export const uniqueUserFields = Object.values(uniqueFields);

/** A unique violation on one of the user's unique values, as the contract names it; anything else as it was. */
export function asUniqueConflict(error: unknown): unknown {
  const pg = pgErrorOf(error);
  const field = pg?.code === "23505" && pg.constraint ? uniqueFields[pg.constraint] : undefined;
  return field ? new UniqueConflict(field) : error;
}

/**
 * Failures after which the whole transaction may simply run again: a serialisation failure
 * (another transaction touched what this one read) and a deadlock (the server chose this one).
 */
export function isRetryable(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code === "40001" || code === "40P01";
}
