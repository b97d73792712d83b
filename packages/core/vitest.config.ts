import { defineConfig } from "vitest/config";
import { storeProjects } from "@authsvc/db/test-store/projects";

export default defineConfig({
  test: {
    projects: storeProjects(
      { include: ["src/**/*.test.ts"], testTimeout: 20_000, hookTimeout: 20_000, isolate: false },
      // Restarts a service on the same SQLite file: what survives is the file's business.
      ["src/delivery/restart.test.ts"],
    ),
  },
});
