// @ts-check
/**
 * Rules of this repository that no published plugin has.
 */
import { existsSync } from "node:fs";
import path from "node:path";

/** @type {Map<string, string>} */
const roots = new Map();

/**
 * The folder of the nearest package.json above `dir`: the package the file belongs to.
 *
 * @param {string} dir
 * @returns {string}
 */
function packageRoot(dir) {
  let found = roots.get(dir);
  if (found === undefined) {
    const parent = path.dirname(dir);
    found = existsSync(path.join(dir, "package.json")) || parent === dir ? dir : packageRoot(parent);
    roots.set(dir, found);
  }
  return found;
}

/** @type {import("eslint").Rule.RuleModule} */
const noRelativeImportOutsidePackage = {
  meta: {
    type: "problem",
    docs: { description: "A relative import stays inside its package; another package is reached by its name and exports." },
    schema: [],
    messages: {
      outside:
        "`{{source}}` leaves this package ({{root}}): import the other package by its name, through an entry its package.json exports.",
    },
  },
  create(context) {
    const file = context.filename;
    if (!path.isAbsolute(file)) return {};
    const root = packageRoot(path.dirname(file));
    /** @param {{ type: string, value?: unknown } | null | undefined} node */
    const check = (node) => {
      if (!node || node.type !== "Literal" || typeof node.value !== "string" || !node.value.startsWith(".")) return;
      const target = path.resolve(path.dirname(file), node.value);
      const rel = path.relative(root, target);
      if (rel.startsWith("..") || path.isAbsolute(rel)) {
        context.report({ node, messageId: "outside", data: { source: node.value, root: path.basename(root) } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export const localPlugin = { rules: { "no-relative-import-outside-package": noRelativeImportOutsidePackage } };
