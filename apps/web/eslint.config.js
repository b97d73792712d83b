import { base } from "@authsvc/eslint-config/base";
import { webBoundaries } from "@authsvc/eslint-config/boundaries";
import { react } from "@authsvc/eslint-config/react";

export default [...base, ...react, ...webBoundaries()];
