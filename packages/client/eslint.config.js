import { base } from "@authsvc/eslint-config/base";
import { clientBoundaries } from "@authsvc/eslint-config/boundaries";

export default [...base, ...clientBoundaries()];
