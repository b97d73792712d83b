import { inject, TestRunner, type RunnerTask as Task, type RunnerTestFile as File } from "vitest";

function skipAll(task: Task): void {
  task.mode = "skip";
  if ("tasks" in task) for (const child of task.tasks) skipAll(child);
}

/**
 * The postgres project's runner: when the global setup found no PostgreSQL server (it printed
 * why), every collected file is skipped whole, its beforeAll hooks included, which a skip
 * from inside a test or a setup file cannot do.
 */
export default class StoreTestRunner extends TestRunner {
  onCollected(files: File[]): void {
    if (!inject("pgTestServerUrl")) for (const file of files) skipAll(file);
  }
}
