// `node .ci/task-times.mjs [repo]`: the task durations of the newest turbo run summary under
// <repo>/.turbo/runs (written by `turbo run … --summarize`), one line a task in the order they
// started, so a CI log shows where a pass spent its time. Prints one line and exits 0 when
// there is no summary: it reports, it never fails a run.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const dir = path.join(process.argv[2] ?? ".", ".turbo", "runs");
let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith(".json"));
} catch {
  // no runs folder: said below
}
const newest = files.map((f) => path.join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!newest) {
  console.log(`task times: no turbo run summary in ${dir}`);
  process.exit(0);
}
const summary = JSON.parse(readFileSync(newest, "utf8"));
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const rows = (summary.tasks ?? [])
  .filter((t) => t.execution)
  .sort((a, b) => a.execution.startTime - b.execution.startTime)
  .map((t) => {
    const { startTime, endTime, exitCode } = t.execution;
    const cached = t.cache?.status === "HIT" ? " (cached)" : "";
    return [t.taskId, seconds(endTime - startTime), `exit ${exitCode}${cached}`];
  });
const width = Math.max(4, ...rows.map((r) => r[0].length));
const run = summary.execution ?? {};
console.log(`task times (${summary.execution?.command ?? "turbo run"}):`);
console.log(`  ${"task".padEnd(width)}  ${"time".padStart(7)}`);
for (const [id, time, status] of rows) console.log(`  ${id.padEnd(width)}  ${time.padStart(7)}  ${status}`);
if (run.startTime && run.endTime) console.log(`  ${"total".padEnd(width)}  ${seconds(run.endTime - run.startTime).padStart(7)}`);
