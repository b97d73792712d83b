import { UniqueConflict, type CredentialRepository, type NewUser, type User, type UserRepository } from "@authsvc/store";
import { credentials, users } from "../schema";
import { asUniqueConflict, uniqueUserFields } from "./errors";
import { readOf, type Bound } from "./bound";
import { changed, columnsOf, execute, first, insertion, lockableRead, named, selectList, type Statement } from "./statement";
import { inSavepoint } from "./transaction";

const userList = selectList(users);
const userBy = (name: string, where: string) => lockableRead(`user_by_${name}`, `SELECT ${userList} FROM users WHERE ${where}`);
const byId = userBy("id", "id = $1");
const byEmail = userBy("email", "email = $1");
const byPhone = userBy("phone", "phone = $1");
// lower() on both sides, as the unique index is built, so the index answers it.
const byUsername = userBy("username", "lower(username) = lower($1)");
const byAccount = userBy("account", "customer_number = $1 AND account_number = $2");
const customerNumberTaken = named("customer_number_taken", "SELECT 1 FROM users WHERE customer_number = $1 LIMIT 1");
const accountNumberTaken = named("account_number_taken", "SELECT 1 FROM users WHERE account_number = $1 LIMIT 1");

const newUser = insertion(users, ["id"]);
/** Inserts of one user before a conflict that cannot be named is refused all the same. */
const CREATE_RUNS = 3;
/**
 * The user and its credentials row in one statement, so atomic without a transaction of its
 * own. A unique value already held makes it insert nothing (ON CONFLICT DO NOTHING) instead
 * of failing: a failed statement would abort the caller's transaction, which could then go on
 * after the UniqueConflict only by a savepoint around it, round trips of its own.
 */
const create = named(
  "user_create",
  `WITH created AS (
     ${newUser.text}
     ON CONFLICT DO NOTHING
     RETURNING ${userList}
   ), created_credentials AS (
     INSERT INTO credentials (user_id, password_hash, password_changed_at)
     SELECT id, $${newUser.count + 1}::text, $${newUser.count + 2}::bigint FROM created
   )
   SELECT * FROM created`,
);

/** Where each unique field's index would find the value `$n` (the username's ignores case). */
const holds: Record<UniqueConflict["field"], (n: number) => string> = {
  email: (n) => `email = $${n}`,
  phone: (n) => `phone = $${n}`,
  username: (n) => `lower(username) = lower($${n})`,
  customerNumber: (n) => `customer_number = $${n}`,
  accountNumber: (n) => `account_number = $${n}`,
};
/**
 * Which unique value of a refused user another row holds, its values in uniqueUserFields'
 * order: the order the indexes were made in, which is the order PostgreSQL checks them.
 */
const takenField = named(
  "user_taken_field",
  `SELECT CASE ${uniqueUserFields.map((f, i) => `WHEN EXISTS (SELECT 1 FROM users WHERE ${holds[f](i + 1)}) THEN '${f}'`).join(" ")} END AS field`,
);

/** An update names the columns it changes: one statement per set of them (a handful: each flow's own patch). */
const updatableColumns = columnsOf(users).filter((c) => c.key !== "id");
const updates = new Map<number, Statement>();
function updateOf(patch: Partial<User>): { statement: Statement; values: unknown[]; unique: boolean } | undefined {
  let set = 0;
  const values: unknown[] = [];
  updatableColumns.forEach(({ key }, i) => {
    const value = patch[key as keyof User];
    // undefined is no change, as Drizzle's set() reads it.
    if (value === undefined) return;
    set |= 1 << i;
    values.push(value);
  });
  if (set === 0) return undefined;
  let statement = updates.get(set);
  if (!statement) {
    const columns = updatableColumns.filter((_, i) => set & (1 << i));
    const assignments = columns.map((c, i) => `"${c.name}" = $${i + 2}`).join(", ");
    statement = named(`user_update_${set.toString(36)}`, `UPDATE users SET ${assignments} WHERE id = $1 RETURNING ${userList}`);
    updates.set(set, statement);
  }
  const unique = uniqueUserFields.some((f) => patch[f] !== undefined);
  return { statement, values, unique };
}

export function pgUsers(bound: Bound): UserRepository {
  const { on } = bound;
  const user = (read: typeof byId, values: unknown[]) => first<User>(on, readOf(bound, read), values);

  async function insert(user: NewUser, password: { hash: string; at: number } | null): Promise<User> {
    const values = [...newUser.values(user), password?.hash ?? null, password?.at ?? null];
    // A conflicting row deleted before it could be named leaves nothing to refuse: insert
    // again, a few times; a value that keeps coming and going is a conflict on its first field.
    for (let run = 1; ; run++) {
      const created = await first<User>(on, create, values);
      if (created) return created;
      const field = (await first<{ field: UniqueConflict["field"] | null }>(on, takenField, uniqueUserFields.map((f) => user[f])))?.field;
      if (field) throw new UniqueConflict(field);
      if (run >= CREATE_RUNS) throw new UniqueConflict(uniqueUserFields.find((f) => user[f] != null) ?? "email");
    }
  }

  return {
    byId: (id) => user(byId, [id]),
    byEmail: (email) => user(byEmail, [email]),
    byPhone: (phone) => user(byPhone, [phone]),
    byUsername: (username) => user(byUsername, [username]),
    byAccount: (customerNumber, accountNumber) => user(byAccount, [customerNumber, accountNumber]),
    numberTaken: async (field, value) =>
      (await first(on, field === "customerNumber" ? customerNumberTaken : accountNumberTaken, [value])) !== undefined,
    create: insert,
    async update(id, patch) {
      const update = updateOf(patch);
      if (!update) return user(byId, [id]);
      const write = () => first<User>(on, update.statement, [id, ...update.values]);
      try {
        // Only a unique value can be refused. In a transaction the caller must be able to go
        // on after the UniqueConflict, and a failed statement aborts the transaction: a savepoint.
        return await (bound.locking && update.unique ? inSavepoint(on, write) : write());
      } catch (error) {
        throw asUniqueConflict(error);
      }
    },
  };
}

const credentialsRow = lockableRead("credentials", `SELECT ${selectList(credentials)} FROM credentials WHERE user_id = $1`);
const credentialsUpdate = (name: string, set: string, where = "") =>
  named(`credentials_${name}`, `UPDATE credentials SET ${set} WHERE user_id = $1${where}`);
const setPassword = credentialsUpdate("set_password", "password_hash = $2, password_changed_at = $3");
const clearPassword = credentialsUpdate("clear_password", "password_hash = NULL, password_changed_at = NULL");
const setPinIfUnlocked = credentialsUpdate("set_pin_if_unlocked", "pin_hash = $2, pin_changed_at = $3, pin_failures = 0", " AND pin_locked_at IS NULL");
const resetPin = credentialsUpdate("reset_pin", "pin_hash = $2, pin_changed_at = $3, pin_failures = 0, pin_locked_at = NULL");
// One statement, so concurrent guesses can never count past the limit.
const reservePinTry = named(
  "credentials_reserve_pin_try",
  `UPDATE credentials SET pin_failures = pin_failures + 1
   WHERE user_id = $1 AND pin_hash IS NOT NULL AND pin_locked_at IS NULL AND pin_failures < $2
   RETURNING pin_failures AS failures, pin_hash AS hash`,
);
const clearPinFailures = credentialsUpdate("clear_pin_failures", "pin_failures = 0");
const lockPin = credentialsUpdate("lock_pin", "pin_locked_at = $2");
const liftPinLock = credentialsUpdate("lift_pin_lock", "pin_failures = 0, pin_locked_at = NULL", " AND (pin_locked_at IS NOT NULL OR pin_failures > 0)");

export function pgCredentials(bound: Bound): CredentialRepository {
  const { on } = bound;
  const write = (statement: Statement, values: unknown[]) => execute(on, statement, values);
  return {
    get: (userId) => first(on, readOf(bound, credentialsRow), [userId]),
    setPassword: (userId, hash, at) => write(setPassword, [userId, hash, at]),
    clearPassword: (userId) => write(clearPassword, [userId]),
    setPinIfUnlocked: async (userId, hash, at) => (await changed(on, setPinIfUnlocked, [userId, hash, at])) === 1,
    resetPin: (userId, hash, at) => write(resetPin, [userId, hash, at]),
    reservePinTry: (userId, max) => first(on, reservePinTry, [userId, max]),
    clearPinFailures: (userId) => write(clearPinFailures, [userId]),
    lockPin: (userId, at) => write(lockPin, [userId, at]),
    liftPinLock: async (userId) => (await changed(on, liftPinLock, [userId])) > 0,
  };
}
