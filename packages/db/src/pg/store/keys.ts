import { eq, sql } from "drizzle-orm";
import type { KeyRepository } from "@authsvc/store";
import { keptKeys } from "../schema";
import type { Bound } from "./bound";

/**
 * Read at each start, so plain queries rather than named statements. `keepFirst` is one
 * statement: an instance inserting at the same moment as another waits for that one's row to
 * commit, and the no-op update then returns the row it found.
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
  };
}
