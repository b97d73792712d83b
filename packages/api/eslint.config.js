import { base } from "@authsvc/eslint-config/base";
import { apiBoundaries } from "@authsvc/eslint-config/boundaries";

export default [...base, ...apiBoundaries()];
