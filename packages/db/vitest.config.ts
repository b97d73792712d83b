import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    globalSetup: ["@authsvc/db/pg-testing/global-setup"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
