// @ts-check
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";
import { localPlugin } from "./local-rules.js";

/** Test code: tests, their helpers and harnesses, the browser suite. */
export const testFiles = [
  "**/*.test.ts",
  "**/test/**",
  "**/e2e/**",
  "**/testing.ts",
  "**/test-helpers.ts",
  "**/attacks/support.ts",
];

/**
 * The rules every package lints with: ESLint's and typescript-eslint's recommended sets
 * (syntax only, no type information, so `pnpm lint` stays fast; tsc runs beside it).
 */
export const base = defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.next/**",
      "**/.turbo/**",
      "**/coverage/**",
      "**/test-results/**",
      "**/playwright-report/**",
      "**/next-env.d.ts",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  comments.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { authsvc: localPlugin },
    rules: {
      // Each package is reached through its name and exports, never by a path into its folder.
      "authsvc/no-relative-import-outside-package": "error",
      // A leading underscore is how this code base says "unused on purpose" (a required
      // parameter, a destructured field left out of a copy).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Every `eslint-disable` says why, after `--`.
      "@eslint-community/eslint-comments/require-description": ["error", { ignore: ["eslint-enable"] }],
    },
  },
  {
    files: testFiles,
    rules: {
      // Tests read JSON answers (`res.body.result.data`) and walk the OpenAPI document; typing
      // every shape they assert on would restate the contract the assertions already check.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);

export default base;

/**
 * Rules that need type information, for the packages whose code awaits the store: with an
 * asynchronous store a forgotten `await` is a security bug (a pending Promise is truthy, and
 * its rejection is lost), and tsc does not see it. `packageDir` is the package's folder.
 *
 * @param {string} packageDir
 */
export function promiseRules(packageDir) {
  return defineConfig({
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: packageDir } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      // A Promise passed where a void callback is expected is how event handlers and timers
      // are written here; what matters is a Promise used as a condition or a spread.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/await-thenable": "error",
    },
  });
}
