import { base } from "@authsvc/eslint-config/base";

export default base;
