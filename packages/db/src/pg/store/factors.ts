import { CredentialTaken, type SecondFactor, type SecondFactorKind, type SecondFactorRepository } from "@authsvc/store";
import { secondFactors } from "../schema";
import { readOf, type Bound } from "./bound";
import { arrays, changed, execute, first, insertion, lockableRead, named, rows, run, selectList } from "./statement";

const factorList = selectList(secondFactors);
const select = `SELECT ${factorList} FROM second_factors`;

const listOfUser = named("factor_list_of_user", `${select} WHERE user_id = $1 ORDER BY created_at, id`);
// Every sign-in asks: one round trip on a statement parsed once per connection. Most accounts
// have no factor, and the user's index finds that without reading a row.
const confirmedKinds = named(
  "factor_confirmed_kinds",
  "SELECT DISTINCT kind FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL ORDER BY kind",
);
// Locking in a transaction: a sign-in reads the passkey's counter and then writes the new one.
const byId = lockableRead("factor_by_id", `${select} WHERE id = $1`);
const byCredentialId = lockableRead("factor_by_credential_id", `${select} WHERE credential_id = $1`);

const newFactor = insertion(secondFactors, ["id", "lastUsedAt"]);
/**
 * A credential id already held inserts nothing (no row returned) instead of failing: a failed
 * statement would abort the caller's transaction, which could then go on after the
 * CredentialTaken only by a savepoint around it. A concurrent insert of the same id waits for
 * the other to commit, then finds it held.
 */
const insert = named("factor_insert", `${newFactor.text} ON CONFLICT (credential_id) DO NOTHING RETURNING ${factorList}`);

const confirm = named("factor_confirm", "UPDATE second_factors SET confirmed_at = $3 WHERE id = $1 AND user_id = $2 AND confirmed_at IS NULL");
// The row lock makes a second use of one step wait, then find it no longer later than the last.
const useStep = named(
  "factor_use_step",
  "UPDATE second_factors SET last_step = $2, last_used_at = $3 WHERE id = $1 AND kind = 'totp' AND (last_step IS NULL OR last_step < $2)",
);
const usePasskey = named(
  "factor_use_passkey",
  "UPDATE second_factors SET sign_count = $2, backed_up = $3, last_used_at = $4 WHERE id = $1 AND kind = 'passkey'",
);
const remove = named("factor_remove", "DELETE FROM second_factors WHERE id = $1 AND user_id = $2");
const removeAllOfUser = named("factor_remove_all_of_user", "DELETE FROM second_factors WHERE user_id = $1");
const removeUnconfirmed = named(
  "factor_remove_unconfirmed",
  "DELETE FROM second_factors WHERE user_id = $1 AND kind = 'totp' AND confirmed_at IS NULL",
);

/**
 * Replacing takes the user's row first: a statement sees the rows committed when it began, so a
 * replace running beside another would delete the codes it saw and leave the other's new ones.
 * Waiting for the user's row makes the second delete, in a statement begun after the first
 * committed, everything the first wrote.
 */
const lockUser = named("recovery_codes_lock_user", "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE");
// The hashes as one JSON array: a statement's values are scalars (see ./wire).
const replaceCodes = named(
  "recovery_codes_replace",
  `WITH removed AS (DELETE FROM recovery_codes WHERE user_id = $1::integer)
   INSERT INTO recovery_codes (user_id, code_hash, created_at)
   SELECT $1::integer, hash, $3::bigint FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS h(hash, n) ORDER BY n`,
);
// The row lock makes a second use of one code wait, then find it used.
const useCode = named("recovery_code_use", "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL");
const codesLeft = named("recovery_codes_left", `SELECT count(*) AS "left" FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`);
const removeCodes = named("recovery_codes_remove", "DELETE FROM recovery_codes WHERE user_id = $1");

export function pgFactors(bound: Bound): SecondFactorRepository {
  const { on } = bound;
  return {
    listOfUser: (userId) => rows<SecondFactor>(on, listOfUser, [userId]),
    confirmedKinds: async (userId) => (await arrays(on, confirmedKinds, [userId])).map((row) => row[0] as SecondFactorKind),
    byId: (id) => first<SecondFactor>(on, readOf(bound, byId), [id]),
    byCredentialId: (credentialId) => first<SecondFactor>(on, readOf(bound, byCredentialId), [credentialId]),
    async insert(f) {
      const inserted = await first<SecondFactor>(on, insert, newFactor.values(f));
      if (!inserted) throw new CredentialTaken();
      return inserted;
    },
    confirm: async (id, userId, at) => (await changed(on, confirm, [id, userId, at])) === 1,
    useStep: async (id, step, at) => (await changed(on, useStep, [id, step, at])) === 1,
    usePasskey: (id, signCount, backedUp, at) => execute(on, usePasskey, [id, signCount, backedUp, at]),
    remove: async (id, userId) => (await changed(on, remove, [id, userId])) === 1,
    removeAllOfUser: (userId) => changed(on, removeAllOfUser, [userId]),
    removeUnconfirmed: (userId) => execute(on, removeUnconfirmed, [userId]),
    replaceRecoveryCodes: (userId, hashes, at) =>
      bound.atomically(async (line) => {
        // Answered before the replacement: a read's rows cannot ride ahead of another statement.
        await run(line, lockUser, [userId]);
        await execute(line, replaceCodes, [userId, JSON.stringify(hashes), at]);
      }),
    useRecoveryCode: async (userId, hash, at) => (await changed(on, useCode, [userId, hash, at])) > 0,
    recoveryCodesLeft: async (userId) => (await first<{ left: number }>(on, codesLeft, [userId]))!.left,
    removeRecoveryCodes: (userId) => execute(on, removeCodes, [userId]),
  };
}
