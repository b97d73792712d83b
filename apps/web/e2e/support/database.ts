import { databaseOf } from "../../test/support/server";

/** The run's database (global setup: E2E_DATABASE_URL), for what no screen can do: time passing, the first admin. */
const database = () => databaseOf({ DATABASE_URL: process.env.E2E_DATABASE_URL! });

/**
 * Moves the account's sign-ins `minutes` into the past, as if the person had signed in that
 * long ago: the sessions stay, but the proof they carry is old (step-up asks again).
 */
export async function ageSignIns(email: string, minutes: number): Promise<void> {
  await database().rows(
    "UPDATE sessions SET authenticated_at = authenticated_at - ? WHERE user_id = (SELECT id FROM users WHERE email = ?) RETURNING id",
    minutes * 60_000,
    email,
  );
}

/** The account's user id, as an admin would read it off the audit log. */
export async function userIdOf(email: string): Promise<number> {
  const [row] = await database().rows("SELECT id FROM users WHERE email = ?", email);
  if (!row) throw new Error(`no account for ${email}`);
  return Number(row.id);
}

/** Makes the account an admin, as `pnpm admin:create` does: on the database, never through the API. */
export async function makeAdmin(email: string): Promise<void> {
  // RETURNING: SQLite's reader takes statements that answer rows only.
  const rows = await database().rows("UPDATE users SET role = 'admin' WHERE email = ? RETURNING id", email);
  if (rows.length !== 1) throw new Error(`no account for ${email}`);
}
