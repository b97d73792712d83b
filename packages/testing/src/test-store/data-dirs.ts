import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Vitest global setup: one folder for the run's test services' data folders
 * (`createTestAuth`), removed when the run ends, so a run leaves nothing in the system's temp
 * folder. The folder reaches the workers through the environment they inherit.
 */
export default function setup(): (() => void) | undefined {
  if (process.env.AUTHSVC_TEST_DATA_ROOT) return undefined; // another project of this run made it
  const root = mkdtempSync(path.join(tmpdir(), "authsvc-test-"));
  process.env.AUTHSVC_TEST_DATA_ROOT = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    delete process.env.AUTHSVC_TEST_DATA_ROOT;
  };
}
