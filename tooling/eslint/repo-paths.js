// @ts-check
/**
 * `node repo-paths.js` (part of `pnpm lint`): fails when a doc (Markdown) or a comment in the
 * code names a file of this repository that does not exist, as comments citing a file that
 * moved do. A path is read from the repository's root, the file's own folder, any package or
 * its `src/` (docs name core's files as `users/users.ts`), or, written as `core/...`,
 * `api/...`, from that package's `src/`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = ["packages/api", "packages/client", "packages/core", "packages/db", "packages/oidc", "packages/store", "packages/testing", "apps/web", "bench", "tooling/eslint", "tooling/pg-test-server", "tooling/typescript"];
const PATH = /(?<![\w@/.:*-])((?:\.\.?\/)*[A-Za-z0-9_@-][\w.@-]*\/[\w./@-]*\w\.(?:ts|tsx|js|mjs|cjs|md|json|sql|yaml|txt))(?![\w/])/g;
const SCANNED = /\.(?:md|ts|tsx|js|mjs)$/;

/**
 * The comments of a source file, or all of a Markdown file, with the offsets kept (everything
 * else blanked), so that a string in code, such as a test fixture's file name, is not read.
 *
 * @param {string} file
 * @param {string} text
 */
export function prose(file, text) {
  if (file.endsWith(".md")) return text;
  let out = "";
  const comment = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|(["'`])(?:\\[\s\S]|(?!\1)[^\\])*\1/g;
  let at = 0;
  for (const m of text.matchAll(comment)) {
    out += text.slice(at, m.index).replace(/[^\n]/g, " ");
    out += m[1] ? m[0].replace(/[^\n]/g, " ") : m[0];
    at = m.index + m[0].length;
  }
  return out + text.slice(at).replace(/[^\n]/g, " ");
}

/**
 * Every path named in `text` (the contents of `file`, relative to `root`) that resolves to
 * nothing, with its line; `ignored` says whether git ignores a path (relative to `root`).
 *
 * @param {string} root
 * @param {string} file
 * @param {string} text
 * @param {(path: string) => boolean} [ignored]
 * @returns {{ line: number, path: string }[]}
 */
export function missingPaths(root, file, text, ignored = (/** @type {string} */ _p) => false) {
  const bases = [".", path.dirname(file), ...PACKAGES.flatMap((p) => [p, `${p}/src`])];
  const found = [];
  const body = prose(file, text);
  for (const m of body.matchAll(PATH)) {
    const named = m[1] ?? "";
    if (named.includes("node_modules")) continue;
    // `core/flows/pin.ts`, `core/src/...`: a package by its short name.
    const [first, ...rest] = named.split("/");
    const byName = PACKAGES.filter((p) => path.basename(p) === first).flatMap((p) => [path.join(p, ...rest), path.join(p, "src", ...rest)]);
    const candidates = [...bases.map((b) => path.join(b, named)), ...byName];
    // A build's output (dist/server.mjs) exists only once built: git ignores it.
    const exists = candidates.some((p) => existsSync(path.join(root, p)) || ignored(p));
    if (!exists) found.push({ line: body.slice(0, m.index).split("\n").length, path: named });
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const files = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((f) => SCANNED.test(f));
  const ignored = (/** @type {string} */ p) => spawnSync("git", ["check-ignore", "-q", "--no-index", p], { cwd: root }).status === 0;
  const missing = files.flatMap((file) =>
    missingPaths(root, file, readFileSync(path.join(root, file), "utf8"), ignored).map((m) => `${file}:${m.line}: ${m.path}`),
  );
  if (missing.length > 0) {
    console.error(`These docs and comments name files that do not exist (moved or renamed?):\n${missing.join("\n")}`);
    process.exit(1);
  }
}
