import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { storeProjects } from "@authsvc/testing/projects";

export default defineConfig({
  test: {
    // Every core: `pnpm test` runs one package at a time, and vitest's default leaves one idle.
    maxWorkers: availableParallelism(),
    projects: storeProjects(
      { include: ["src/**/*.test.ts"], testTimeout: 20_000, hookTimeout: 20_000, isolate: false },
      {
        // Restarts a service on the same SQLite file: what survives is the file's business.
        sqliteOnly: ["src/delivery/restart.test.ts"],
        engineFree: [
          "src/crypto/secret-file.test.ts",
          "src/crypto/secrets.test.ts",
          "src/firebase/shared-key.test.ts",
          "src/options.test.ts",
          "src/passwords/hash.test.ts",
          "src/pin/policy.test.ts",
          "src/sessions/access-token.test.ts",
          "src/sessions/device.test.ts",
          "src/users/normalize.test.ts",
        ],
      },
    ),
  },
});
