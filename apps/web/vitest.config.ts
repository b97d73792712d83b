import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["dist/**", ".next/**", "node_modules/**", "e2e/**"],
    // The e2e suite starts the production server and hashes passwords on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
