import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    globalSetup: ["@authsvc/pg-test-server/global-setup"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
