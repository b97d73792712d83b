import type { OpaqueToken, OpaqueTokenRepository, Session, SessionRepository, User } from "@authsvc/store";
import { opaqueTokens, sessions, users } from "../schema";
import { readOf, type Bound } from "./bound";
import { arrays, changed, columnsOf, execute, first, inserter, lockableRead, named, rows, selectList } from "./statement";

const sessionList = selectList(sessions);
// Every token check reads its session: one round trip on a statement parsed once per connection.
const byId = lockableRead("session_by_id", `SELECT ${sessionList} FROM sessions WHERE id = $1`);

/**
 * A token check's session and user in one round trip rather than two. Its rows come as
 * arrays (both tables have an id): the session's columns, then the user's.
 */
const sessionKeys = columnsOf(sessions).map((c) => c.key);
const userKeys = columnsOf(users).map((c) => c.key);
const withUser = lockableRead(
  "session_with_user",
  `SELECT ${selectList(sessions, "s")}, ${selectList(users, "u")} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
);
const recordOf = <R>(keys: string[], row: unknown[], from: number) => Object.fromEntries(keys.map((key, i) => [key, row[from + i]])) as R;

// A new session's generation starts at the column's default, and it is not revoked.
const insertSession = inserter("session_insert", sessions, { omit: ["generation", "revokedAt", "revokedReason"], returning: true });
const touch = named("session_touch", "UPDATE sessions SET last_used_at = $2 WHERE id = $1");
const markAuthenticated = named("session_mark_authenticated", "UPDATE sessions SET authenticated_at = $2 WHERE id = $1");
const advanceGeneration = named(
  "session_advance_generation",
  "UPDATE sessions SET generation = $3, last_used_at = $4 WHERE id = $1 AND generation = $2",
);
const revoke = named("session_revoke", "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL");
const unrevokedOf = "user_id = $1 AND revoked_at IS NULL";
const revokeAllOfUser = named("session_revoke_all_of_user", `UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE ${unrevokedOf}`);
const revokeAllOfUserExcept = named("session_revoke_all_of_user_except", `${revokeAllOfUser.text} AND id <> $4`);
const listUnrevoked = named("session_list_unrevoked", `SELECT ${sessionList} FROM sessions WHERE ${unrevokedOf} ORDER BY last_used_at DESC`);

export function pgSessions(bound: Bound): SessionRepository {
  const { on } = bound;
  return {
    insert: async (s) => (await first<Session>(on, insertSession.statement, insertSession.values(s)))!,
    byId: (id) => first<Session>(on, readOf(bound, byId), [id]),
    async byIdWithUser(id) {
      const [row] = await arrays(on, readOf(bound, withUser), [id]);
      return row && { session: recordOf<Session>(sessionKeys, row, 0), user: recordOf<User>(userKeys, row, sessionKeys.length) };
    },
    touch: (id, at) => execute(on, touch, [id, at]),
    markAuthenticated: (id, at) => execute(on, markAuthenticated, [id, at]),
    advanceGeneration: async (id, from, at) => (await changed(on, advanceGeneration, [id, from, from + 1, at])) === 1,
    revoke: async (id, at, reason) => (await changed(on, revoke, [id, at, reason])) === 1,
    revokeAllOfUser: (userId, at, reason, exceptId) =>
      exceptId === undefined
        ? changed(on, revokeAllOfUser, [userId, at, reason])
        : changed(on, revokeAllOfUserExcept, [userId, at, reason, exceptId]),
    listUnrevoked: (userId) => rows<Session>(on, listUnrevoked, [userId]),
  };
}

const insertToken = inserter("token_insert", opaqueTokens, { omit: ["id", "usedAt"], returning: false });
const byHash = lockableRead("token_by_hash", `SELECT ${selectList(opaqueTokens)} FROM opaque_tokens WHERE token_hash = $1`);
const use = named("token_use", "UPDATE opaque_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL");
const useAllOfUser = named("token_use_all_of_user", "UPDATE opaque_tokens SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS NULL");

export function pgTokens(bound: Bound): OpaqueTokenRepository {
  const { on } = bound;
  return {
    insert: (t) => execute(on, insertToken.statement, insertToken.values(t)),
    byHash: (hash) => first<OpaqueToken>(on, readOf(bound, byHash), [hash]),
    use: async (id, at) => (await changed(on, use, [id, at])) === 1,
    useAllOfUser: (userId, kind, at) => execute(on, useAllOfUser, [userId, kind, at]),
  };
}
