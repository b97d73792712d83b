import { LIVE_CHALLENGES_READ, type Challenge, type ChallengeRepository } from "@authsvc/store";
import { challenges } from "../schema";
import { readOf, type Bound } from "./bound";
import { changed, execute, first, inserter, lockableRead, named, rows, selectList, type Statement } from "./statement";

const live = "consumed_at IS NULL AND superseded_at IS NULL";
// Of two made in one millisecond (a frozen clock), the second replaced the first: the live one is the newer.
const newestFirst = "ORDER BY created_at DESC, (superseded_at IS NULL) DESC, last_sent_at DESC";
const select = `SELECT ${selectList(challenges)} FROM challenges`;

const byId = lockableRead("challenge_by_id", `${select} WHERE id = $1`);
// The limits are in the text: a statement's plan may then count on them.
const latest = lockableRead("challenge_latest", `${select} WHERE purpose = $1 AND destination = $2 ${newestFirst} LIMIT 1`);
const latestFrom = lockableRead(
  "challenge_latest_from",
  `${select} WHERE purpose = $1 AND destination = $2 AND requester = $3 ${newestFirst} LIMIT 1`,
);
const liveOnes = lockableRead(
  "challenge_live",
  `${select} WHERE purpose = $1 AND destination = $2 AND ${live} ${newestFirst} LIMIT ${LIVE_CHALLENGES_READ}`,
);

const insert = inserter("challenge_insert", challenges, { omit: ["consumedAt", "supersededAt"], returning: true });

const supersedeLive = named("challenge_supersede_live", `UPDATE challenges SET superseded_at = $3 WHERE purpose = $1 AND destination = $2 AND ${live}`);
const supersedeLiveFrom = named("challenge_supersede_live_from", `${supersedeLive.text} AND requester = $4`);
const supersedeLiveOfUser = named("challenge_supersede_live_of_user", `UPDATE challenges SET superseded_at = $3 WHERE user_id = $1 AND purpose = $2 AND ${live}`);
const supersede = named("challenge_supersede", `UPDATE challenges SET superseded_at = $2, payload = NULL WHERE id = $1 AND ${live}`);
// The row lock makes a second consumer wait, then find the code no longer live.
const consume = named("challenge_consume", `UPDATE challenges SET consumed_at = $2 WHERE id = $1 AND ${live}`);
const spendAttempt = named("challenge_spend_attempt", `UPDATE challenges SET attempts_left = attempts_left - 1 WHERE id = $1 AND attempts_left > 0 RETURNING attempts_left AS "left"`);
const clearLastSent = named("challenge_clear_last_sent", "UPDATE challenges SET last_sent_at = 0 WHERE id = $1");
const dropSignupPayloads = named(
  "challenge_drop_signup_payloads",
  "UPDATE challenges SET payload = NULL WHERE purpose = 'signup' AND destination = $1 AND payload IS NOT NULL",
);
const dropSignupPayloadsExcept = named("challenge_drop_signup_payloads_except", `${dropSignupPayloads.text} AND id <> $2`);

export function pgChallenges(bound: Bound): ChallengeRepository {
  const { on } = bound;
  const read = (statement: typeof byId, values: unknown[]) => rows<Challenge>(on, readOf(bound, statement), values);
  const write = (statement: Statement, values: unknown[]) => execute(on, statement, values);
  return {
    byId: async (id) => (await read(byId, [id]))[0],
    latest: async (purpose, destination) => (await read(latest, [purpose, destination]))[0],
    latestFrom: async (purpose, destination, requester) => (await read(latestFrom, [purpose, destination, requester]))[0],
    live: (purpose, destination) => read(liveOnes, [purpose, destination]),
    insert: async (c) => (await first<Challenge>(on, insert.statement, insert.values(c)))!,
    supersedeLive: (purpose, destination, at, requester) =>
      requester === undefined
        ? write(supersedeLive, [purpose, destination, at])
        : write(supersedeLiveFrom, [purpose, destination, at, requester]),
    supersedeLiveOfUser: (userId, purpose, at) => write(supersedeLiveOfUser, [userId, purpose, at]),
    supersede: async (id, at) => (await changed(on, supersede, [id, at])) === 1,
    consume: async (id, at) => (await changed(on, consume, [id, at])) === 1,
    spendAttempt: async (id) => (await first<{ left: number }>(on, spendAttempt, [id]))?.left,
    clearLastSent: (id) => write(clearLastSent, [id]),
    dropSignupPayloads: (destination, exceptId) =>
      exceptId === undefined ? write(dropSignupPayloads, [destination]) : write(dropSignupPayloadsExcept, [destination, exceptId]),
  };
}
