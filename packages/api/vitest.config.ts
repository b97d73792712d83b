import { defineConfig } from "vitest/config";
import { storeProjects } from "@authsvc/db/test-store/projects";

export default defineConfig({
  test: {
    projects: storeProjects(
      { include: ["src/**/*.test.ts"], testTimeout: 20_000, hookTimeout: 20_000, isolate: false },
      { engineFree: ["src/http/request.test.ts"] },
    ),
  },
});
