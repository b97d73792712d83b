import { base } from "@authsvc/eslint-config/base";
import { clientBoundaries } from "@authsvc/eslint-config/boundaries";

// The boundary is the published code's: the tests may use the workspace's test infrastructure.
export default [...base, ...clientBoundaries().map((config) => ({ ...config, files: ["src/**/*.ts"] }))];
