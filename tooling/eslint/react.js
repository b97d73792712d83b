// @ts-check
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";

/**
 * The rules of hooks, for the web app. Only the two classic rules: the plugin's newer
 * recommended set is written for the React Compiler, which this app does not use.
 */
export const react = defineConfig({
  files: ["**/*.tsx", "**/use-*.ts"],
  // The plugin's own types describe its legacy configs in a shape ESLint's Plugin type refuses.
  plugins: { "react-hooks": /** @type {import("eslint").ESLint.Plugin} */ (/** @type {unknown} */ (reactHooks)) },
  rules: {
    "react-hooks/rules-of-hooks": "error",
    "react-hooks/exhaustive-deps": "error",
  },
});
