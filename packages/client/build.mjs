// @ts-check
/**
 * `pnpm build`: the published package's dist/. esbuild writes the JavaScript (our few lines;
 * @trpc/client stays an import, a peer dependency). rollup-plugin-dts writes one index.d.ts in
 * which the service's packages (@authsvc/*, raw TypeScript that is never published) are
 * inlined, and @trpc/* stay imports of the peer dependencies.
 */
import { rmSync } from "node:fs";
import { build } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

/** Imported, not inlined: the packages a user installs beside this one. */
const peers = /^@trpc\/(?:client|server)(?:\/|$)/;

rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["@trpc/client", "@trpc/server"],
  sourcemap: true,
  logLevel: "warning",
});

const types = await rollup({
  input: "src/index.ts",
  // Node's modules too: core's files import them, for code the types leave out.
  external: (id) => peers.test(id) || id.startsWith("node:"),
  // The plugin preserves symlinks by default; pnpm's node_modules are symlinks, and tsc names
  // a type by its real place (packages/store), which the client reaches, not the link's.
  plugins: [dts({ respectExternal: true, tsconfig: "tsconfig.json", compilerOptions: { preserveSymlinks: false } })],
});
await types.write({ file: "dist/index.d.ts", format: "es" });
await types.close();
