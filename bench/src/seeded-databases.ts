/** Fresh databases for a run's servers, seeded as every server in a run starts. */
import { createSchema, RATE_LIMIT_ROWS, seedRateLimits, seedUsers } from "./seed";
import { databases } from "./run-context";

/** A fresh database with `users` seeded users and the rate-limit rows every server starts with. */
export async function seededDatabase(name: string, users: number) {
  const db = await databases.fresh(name);
  const seeded = await seedUsers(db, users);
  await seedRateLimits(db, RATE_LIMIT_ROWS);
  return { db, seeded };
}

/** The baseline's scratch database, migrated and holding the same rate-limit rows as the service's. */
export async function scratchDatabase() {
  const db = await databases.fresh("baseline-scratch");
  await createSchema(db);
  await seedRateLimits(db, RATE_LIMIT_ROWS);
  return db;
}
