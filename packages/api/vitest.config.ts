import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { storeProjects } from "@authsvc/testing/projects";

export default defineConfig({
  test: {
    // Every core: `pnpm test` runs one package at a time, and vitest's default leaves one idle.
    maxWorkers: availableParallelism(),
    projects: storeProjects(
      { include: ["src/**/*.test.ts"], testTimeout: 20_000, hookTimeout: 20_000, isolate: false },
      { engineFree: ["src/http/request.test.ts", "src/reference/reference.test.ts"] },
    ),
  },
});
