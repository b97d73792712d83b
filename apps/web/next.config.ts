import type { NextConfig } from "next";

const config: NextConfig = {
  // Pages only import types from @authsvc/api; if a runtime import ever slips in,
  // native modules must still load from node_modules rather than be bundled.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2"],
  poweredByHeader: false,
  reactStrictMode: true,
  // `pnpm lint` type-checks the app (`typecheck`: next typegen && tsc); a build does not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default config;
