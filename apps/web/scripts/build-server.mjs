// Bundles server.ts into dist/server.mjs. Workspace packages (@authsvc/*) export TypeScript
// source, so they are bundled; npm packages stay in node_modules, where native modules
// (better-sqlite3, @node-rs/argon2) and Next's own file layout must remain.
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(appDir, "dist", "server.mjs");

function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The version Node would load for `name` from `dir`, walking up node_modules the way Node does. */
function installedVersion(name, dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    const manifest = path.join(d, "node_modules", name, "package.json");
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")).version;
    if (path.dirname(d) === d) return undefined;
  }
}

// pnpm gives each package only its own dependencies, so an npm import inside bundled
// workspace code is resolved at run time from dist/, i.e. from apps/web's node_modules.
// Fail the build (not the first request in production) when apps/web lacks it or has
// a different version than the workspace package was written against.
const externalizeNpm = {
  name: "externalize-npm",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@authsvc/")) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const name = packageName(args.path);
      const wanted = installedVersion(name, args.resolveDir);
      const have = installedVersion(name, path.dirname(outfile));
      if (have === undefined || (wanted !== undefined && wanted !== have)) {
        const from = path.relative(appDir, args.importer);
        const need = wanted ? `"${name}": "${wanted}"` : `"${name}"`;
        const found = have ? ` (apps/web has ${have})` : "";
        return { errors: [{ text: `${from} imports ${args.path}: add ${need} to apps/web/package.json${found}` }] };
      }
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: [path.join(appDir, "server.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  tsconfig: path.join(appDir, "tsconfig.json"),
  // Bundled code may use require(); ESM has none. Aliased because bundled modules
  // import createRequire themselves and a second top-level binding would not parse.
  banner: {
    js: 'import { createRequire as __authsvcCreateRequire } from "node:module"; const require = __authsvcCreateRequire(import.meta.url);',
  },
  plugins: [externalizeNpm],
  logLevel: "info",
});
