import path from "node:path";
import { fileURLToPath } from "node:url";
import { base, promiseRules } from "@authsvc/eslint-config/base";
import { pgTestServerBoundaries } from "@authsvc/eslint-config/boundaries";

export default [...base, ...promiseRules(path.dirname(fileURLToPath(import.meta.url))), ...pgTestServerBoundaries()];
