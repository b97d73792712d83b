import path from "node:path";
import { describe, expect, it } from "vitest";
import { missingPaths } from "../repo-paths.js";

const root = path.join(import.meta.dirname, "..", "..", "..");

describe("repo-paths: docs and comments name files that exist", () => {
  it("reports a comment that names a file that moved, with its line", () => {
    const code = `const a = 1;\n// Prepared once: see core/src/prepared.ts.\nexport { a };\n`;
    expect(missingPaths(root, "packages/core/src/sessions/sessions.ts", code)).toEqual([{ line: 2, path: "core/src/prepared.ts" }]);
  });

  it("reports a doc that names a file that moved, from the repository's root", () => {
    const doc = "What changed (`packages/db/src/files.ts`, used by `client.ts`).\n";
    expect(missingPaths(root, "docs/security/rest-secrets.md", doc)).toEqual([{ line: 1, path: "packages/db/src/files.ts" }]);
  });

  it("reads a path from the root, a package, a package's src/ or a package's short name", () => {
    const doc = [
      "`packages/store/src/files.ts`",
      "`users/users.ts` and `sqlite/store/bare.ts`",
      "`core/flows/pin.ts` and `api/src/rest/framework.ts`",
      "`test/server.e2e.test.ts` and `app/not-found.tsx`",
    ].join("\n");
    expect(missingPaths(root, "docs/security.md", doc)).toEqual([]);
  });

  it("takes a path git ignores (a build's output) as there, built or not", () => {
    const doc = "Runs `apps/web/dist/server.mjs`.\n";
    expect(missingPaths(root, "bench/README.md", doc, (p) => p.startsWith("apps/web/dist/"))).toEqual([]);
    expect(missingPaths(root, "bench/README.md", "Runs `apps/web/nowhere/server.mjs`.\n", (p) => p.startsWith("apps/web/dist/"))).toHaveLength(1);
  });

  it("does not read strings in code, such as a test fixture's file name", () => {
    const code = `lint("src/flows/sign-in.test.ts", 'src/nowhere.ts', \`src/also/nowhere.ts\`); // src/flows/none.ts\n`;
    expect(missingPaths(root, "tooling/eslint/test/boundaries.test.ts", code)).toEqual([{ line: 1, path: "src/flows/none.ts" }]);
  });
});
