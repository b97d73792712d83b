import { createRequire } from "node:module";
import path from "node:path";

/** Resolved through the package's own name so it works from source and from a bundle. */
export const packageDir = path.dirname(createRequire(import.meta.url).resolve("@authsvc/db/package.json"));
