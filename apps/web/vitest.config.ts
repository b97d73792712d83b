import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["dist/**", ".next/**", "node_modules/**", "e2e/**"],
    // Finds (or starts) the PostgreSQL server of the PostgreSQL e2e suites; they skip, saying why, without one.
    // Then the production services that several e2e files share (test/support/shared-services.ts).
    globalSetup: ["@authsvc/pg-test-server/global-setup", "./test/support/shared-services.ts"],
    // The e2e suite starts the production server and hashes passwords on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
