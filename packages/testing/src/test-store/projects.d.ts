import type { TestProjectInlineConfiguration } from "vitest/config";

export function storeProjects(
  test: NonNullable<TestProjectInlineConfiguration["test"]> & { include: string[] },
  split?: { sqliteOnly?: string[]; engineFree?: string[] },
): TestProjectInlineConfiguration[];
