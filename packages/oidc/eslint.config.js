import path from "node:path";
import { fileURLToPath } from "node:url";
import { base, promiseRules } from "@authsvc/eslint-config/base";
import { oidcBoundaries } from "@authsvc/eslint-config/boundaries";

export default [...base, ...promiseRules(path.dirname(fileURLToPath(import.meta.url))), ...oidcBoundaries()];
