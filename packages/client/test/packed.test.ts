/**
 * The package as a developer gets it: packed, installed with npm in a project outside the
 * workspace beside tRPC from the registry, type-checked under both module resolutions, and run
 * against the built production server.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outsideEnv, run, startService, type Service } from "./support";

const packageDir = path.resolve(import.meta.dirname, "..");
const fixtures = path.join(import.meta.dirname, "consumer");
const repoRoot = path.resolve(packageDir, "..", "..");
const serverFile = path.join(repoRoot, "apps", "web", "dist", "server.mjs");

/** The versions the workspace builds with, exact, so npm can serve them from its cache. */
const pinned = (JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;
const fromRegistry = ["@trpc/client", "@trpc/server", "typescript", "@types/node"].map((name) => `${name}@${pinned[name]}`);

type Resolution = "nodenext" | "bundler";

/** The `ts` code blocks of a Markdown text (from `heading` to the next heading of its level, if given). */
function tsExamples(markdown: string, heading?: string): string[] {
  let text = markdown;
  if (heading) {
    const start = markdown.indexOf(`\n${heading}\n`);
    expect(start, `${heading} in the README`).toBeGreaterThanOrEqual(0);
    const next = markdown.indexOf(`\n${heading.split(" ")[0]} `, start + heading.length + 1);
    text = markdown.slice(start, next < 0 ? undefined : next);
  }
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let project = "";
/** What the project's tsconfigs compile: the program that runs, the mistakes, the READMEs' examples. */
const sources = ["usage.ts", "mistakes.ts"];

/**
 * A developer's tsconfig: strict, ESM, Node's types. `nodenext` also emits, so the program then
 * runs (tsc emits despite the mistakes file's errors, which stay in that file).
 */
function tsconfig(resolution: Resolution, options: Record<string, unknown>) {
  const module = resolution === "nodenext" ? { module: "nodenext", moduleResolution: "nodenext", outDir: "out" } : { module: "esnext", moduleResolution: "bundler", noEmit: true };
  return { compilerOptions: { ...module, target: "es2022", strict: true, skipLibCheck: true, types: ["node"], ...options }, files: sources };
}

/** Runs tsc in the project with `name`'s config and answers each diagnostic as `file line TSnnnn`. */
async function tsc(name: string, config: object) {
  writeFileSync(path.join(project, name), JSON.stringify(config, null, 2));
  const result = await run(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "-p", name, "--pretty", "false"], project);
  const diagnostics = [...result.output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  return { ...result, diagnostics };
}

/** The type checks, started together once the package is installed (tsc is single-threaded). */
let checks: Record<Resolution | "libCheck", ReturnType<typeof tsc>>;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), "authsvc-client-consumer-"));
  // `pnpm pack` runs the package's prepack: the tarball always holds a fresh build.
  const packed = await run("pnpm", ["pack", "--pack-destination", project], packageDir);
  expect(packed.code, packed.output).toBe(0);
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
  expect(tarball, packed.output).toBeDefined();

  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  for (const file of readdirSync(fixtures)) copyFileSync(path.join(fixtures, file), path.join(project, file));
  const npm = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `./${tarball}`, ...fromRegistry], project, outsideEnv());
  expect(npm.code, npm.output).toBe(0);

  // The examples a developer copies: the repository README's section, and the README they installed.
  const examples = [
    ...tsExamples(readFileSync(path.join(repoRoot, "README.md"), "utf8"), "## Calling the typed API from your app"),
    ...tsExamples(readFileSync(path.join(project, "node_modules", "@authsvc", "client", "README.md"), "utf8")),
  ];
  expect(examples.length).toBeGreaterThanOrEqual(3);
  examples.forEach((code, i) => {
    writeFileSync(path.join(project, `readme-${i + 1}.ts`), code);
    sources.push(`readme-${i + 1}.ts`);
  });

  checks = {
    nodenext: tsc("tsconfig.nodenext.json", tsconfig("nodenext", {})),
    bundler: tsc("tsconfig.bundler.json", tsconfig("bundler", {})),
    // Our .d.ts checked too: with skipLibCheck on (as above) a broken declaration would read as `any`.
    libCheck: tsc("tsconfig.lib.json", { ...tsconfig("bundler", { skipLibCheck: false }), files: ["usage.ts"] }),
  };
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the packed package", () => {
  const installed = () => path.join(project, "node_modules", "@authsvc", "client");

  it("holds the built JavaScript, one .d.ts and the README, and depends on no package of ours", () => {
    const manifest = JSON.parse(readFileSync(path.join(installed(), "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    expect(readdirSync(installed(), { recursive: true }).map(String).sort()).toEqual(["README.md", "dist", "dist/index.d.ts", "dist/index.js", "dist/index.js.map", "package.json"]);
    expect(manifest.exports).toEqual({ ".": { types: "./dist/index.d.ts", import: "./dist/index.js" }, "./package.json": "./package.json" });
    // What npm installs for a user: devDependencies of a dependency are never installed.
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      expect(Object.keys(manifest[field] ?? {}).filter((name) => name.startsWith("@authsvc/")), field).toEqual([]);
    }
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(["@trpc/client", "@trpc/server"]);
  });

  it("imports nothing but its peers, in its JavaScript and in its types", () => {
    // `… from "x"`, and a type's inline `import("x")`.
    const specifier = /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
    const imported = (file: string) => [...readFileSync(path.join(installed(), "dist", file), "utf8").matchAll(specifier)].map((m) => m[1] ?? m[2]);
    expect(new Set([...imported("index.js"), ...imported("index.d.ts")])).toEqual(new Set(["@trpc/client", "@trpc/server"]));
  });
});

describe.each(["nodenext", "bundler"] as const)("in a project with moduleResolution %s", (resolution) => {
  it("type-checks a program that registers, signs in and reads the account, and the READMEs' examples", async () => {
    const result = await checks[resolution];
    expect(result.diagnostics.filter((d) => !d.startsWith("mistakes.ts ")), result.output).toEqual([]);
  }, 60_000);

  it("reports a wrong input, an unknown procedure, a query called as a mutation and a nullable result used as a value", async () => {
    const expected = readFileSync(path.join(fixtures, "mistakes.ts"), "utf8")
      .split("\n")
      .flatMap((line, i) => [...line.matchAll(/\/\/ expect (TS\d+)/g)].map((m) => `mistakes.ts ${i + 1} ${m[1]}`));
    expect(expected).toHaveLength(4);
    const result = await checks[resolution];
    expect(result.diagnostics.filter((d) => d.startsWith("mistakes.ts ")), result.output).toEqual(expected);
  }, 60_000);
});

it("has declarations that check without skipLibCheck (@trpc's own files aside)", async () => {
  const result = await checks.libCheck;
  expect(result.diagnostics.filter((d) => !d.startsWith("node_modules/@trpc/")), result.output).toEqual([]);
}, 60_000);

describe("against the running service", () => {
  let service: Service | undefined;

  beforeAll(async () => {
    if (!existsSync(serverFile)) throw new Error(`${serverFile} is missing: run \`pnpm --filter @authsvc/web build\` first (\`pnpm test\` builds it)`);
    service = await startService(serverFile, project);
  }, 90_000);

  afterAll(() => service?.stop());

  it("registers, signs in with the token, reads the account, and says why a call was refused", async () => {
    const compiled = await checks.nodenext;
    expect(existsSync(path.join(project, "out", "usage.js")), compiled.output).toBe(true);
    const email = `ana.${Date.now()}@example.com`;
    const result = await run(process.execPath, ["out/usage.js", service!.base, email], project);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      tokenType: "Bearer",
      me: { email, fullName: "Ana Putri", emailVerified: true },
      wrongPassword: "INVALID_CREDENTIALS",
      anonymous: "UNAUTHORIZED",
      // Eleven calls at once: more than one batch may hold (10), so the client sent two.
      policies: 11,
    });
  }, 60_000);
});
