import { asc, eq, inArray, sql } from "drizzle-orm";
import type { KeyRepository, SigningKeyRecord } from "@authsvc/store";
import { keptKeys, signingKeys } from "../schema";
import type { Bound } from "./bound";

/**
 * Read at each start and when the signing keys are refreshed (every few seconds, not per
 * request), so plain queries rather than named statements. `keepFirst` is one statement: an
 * instance inserting at the same moment as another waits for that one's row to commit, and
 * the no-op update then returns the row it found.
 */
export function pgKeys({ db }: Bound): KeyRepository {
  return {
    async get(name) {
      const [row] = await db().select({ value: keptKeys.value }).from(keptKeys).where(eq(keptKeys.name, name));
      return row?.value;
    },
    async keepFirst(name, value, at) {
      const [row] = await db()
        .insert(keptKeys)
        .values({ name, value, createdAt: at })
        .onConflictDoUpdate({ target: keptKeys.name, set: { name: sql`excluded.name` } })
        .returning({ value: keptKeys.value });
      return row!.value;
    },
    async signingKeys() {
      return (await db().select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid))) as SigningKeyRecord[];
    },
    async addSigningKey(key) {
      await db().insert(signingKeys).values(key).onConflictDoNothing({ target: signingKeys.kid });
    },
    async deleteSigningKeys(kids) {
      if (kids.length === 0) return 0;
      const gone = await db().delete(signingKeys).where(inArray(signingKeys.kid, [...kids])).returning({ kid: signingKeys.kid });
      return gone.length;
    },
  };
}
