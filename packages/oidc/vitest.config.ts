import { defineConfig } from "vitest/config";
import { storeProjects } from "@authsvc/testing/projects";

export default defineConfig({
  test: {
    projects: storeProjects({ include: ["src/**/*.test.ts"], testTimeout: 20_000, hookTimeout: 20_000 }),
  },
});
