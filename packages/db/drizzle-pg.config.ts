import { defineConfig } from "drizzle-kit";

// PostgreSQL's migrations; `pnpm generate` writes both engines' from their schemas.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/pg/schema.ts",
  out: "./drizzle-pg",
});
