/**
 * What only the source says of the procedures: their answers' types (procedures declare no
 * output schema, so the answer is what TypeScript infers, `inferRouterOutputs<AppRouter>`) and
 * the JSDoc above each procedure and router. Read with the TypeScript compiler from a small
 * in-memory file next to root.ts; nothing is emitted.
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";

const API_DIR = fileURLToPath(new URL("../..", import.meta.url));
const ROOT_FILE = fileURLToPath(new URL("../root.ts", import.meta.url));
const PROBE_FILE = fileURLToPath(new URL("./__reference-probe__.ts", import.meta.url));
const PROBE = `import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../root";
export type Outputs = inferRouterOutputs<AppRouter>;
`;

export interface SourceFacts {
  /** By `router.procedure`. */
  outputs: Map<string, string>;
  /** By `router.procedure`; absent without JSDoc. */
  descriptions: Map<string, string>;
  /** By router name; absent without JSDoc. */
  routerDescriptions: Map<string, string>;
}

function program(): ts.Program {
  const configPath = ts.findConfigFile(API_DIR, ts.sys.fileExists, "tsconfig.json");
  if (!configPath) throw new Error(`no tsconfig.json in ${API_DIR}`);
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, API_DIR);
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === PROBE_FILE || fileExists(f);
  host.readFile = (f) => (f === PROBE_FILE ? PROBE : readFile(f));
  host.getSourceFile = (f, lang, ...rest) => (f === PROBE_FILE ? ts.createSourceFile(f, PROBE, lang) : getSourceFile(f, lang, ...rest));
  return ts.createProgram({ rootNames: [PROBE_FILE], options: { ...config.options, noEmit: true }, host });
}

/** One paragraph: the comment's lines joined. */
const docOf = (symbol: ts.Symbol | undefined, checker: ts.TypeChecker): string =>
  symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s*\n\s*/g, " ").trim() : "";

const unwrap = (e: ts.Expression): ts.Expression =>
  ts.isSatisfiesExpression(e) || ts.isAsExpression(e) || ts.isParenthesizedExpression(e) ? unwrap(e.expression) : e;

/** The routers of `appRouter = createTRPCRouter({ name: xRouter, ... })` in root.ts, each as the object literal it is declared with. */
function routerLiterals(p: ts.Program, checker: ts.TypeChecker): { name: string; symbol: ts.Symbol; literal: ts.ObjectLiteralExpression }[] {
  const root = p.getSourceFile(ROOT_FILE);
  if (!root) throw new Error(`${ROOT_FILE} is not in the program`);
  let record: ts.ObjectLiteralExpression | undefined;
  root.forEachChild(function find(node): void {
    if (ts.isVariableDeclaration(node) && node.name.getText(root) === "appRouter" && node.initializer && ts.isCallExpression(node.initializer)) {
      const arg = node.initializer.arguments[0];
      if (arg && ts.isObjectLiteralExpression(arg)) record = arg;
    }
    node.forEachChild(find);
  });
  if (!record) throw new Error("root.ts: no `appRouter = createTRPCRouter({ ... })`");
  return record.properties.map((prop) => {
    if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.initializer)) throw new Error(`root.ts: ${prop.getText(root)} is not \`name: someRouter\``);
    let symbol = checker.getSymbolAtLocation(prop.initializer);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const decl = symbol?.valueDeclaration;
    const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
    if (!symbol || !init || !ts.isObjectLiteralExpression(init)) throw new Error(`root.ts: ${prop.initializer.text} is not declared as an object literal`);
    return { name: prop.name.getText(root), symbol, literal: init };
  });
}

export function sourceFacts(): SourceFacts {
  const p = program();
  const checker = p.getTypeChecker();
  const probe = p.getSourceFile(PROBE_FILE)!;
  const alias = probe.statements.find(ts.isTypeAliasDeclaration)!;
  const outputsType = checker.getTypeAtLocation(alias.name);
  const facts: SourceFacts = { outputs: new Map(), descriptions: new Map(), routerDescriptions: new Map() };
  for (const { name, symbol, literal } of routerLiterals(p, checker)) {
    const routerDoc = docOf(symbol, checker);
    if (routerDoc) facts.routerDescriptions.set(name, routerDoc);
    for (const prop of literal.properties) {
      if (!prop.name || !ts.isIdentifier(prop.name)) continue;
      const path = `${name}.${prop.name.text}`;
      const doc = docOf(checker.getSymbolAtLocation(prop.name), checker);
      if (doc) facts.descriptions.set(path, doc);
    }
    const routerOutputs = checker.getPropertyOfType(outputsType, name);
    if (!routerOutputs) continue;
    for (const procedure of checker.getPropertiesOfType(checker.getTypeOfSymbol(routerOutputs))) {
      facts.outputs.set(`${name}.${procedure.name}`, printType(checker, checker.getTypeOfSymbol(procedure), ""));
    }
  }
  return facts;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_DEPTH = 8;

/**
 * A type written out in full, objects one property a line: a reader of the reference should
 * not have to look up `FactorsView` or `PublicUser`. Primitives, literals and what this does
 * not expand (functions, tuples, anything deeper than MAX_DEPTH) are the checker's own text.
 */
function printType(checker: ts.TypeChecker, type: ts.Type, indent: string, depth = 0): string {
  const plain = () => checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  if (depth > MAX_DEPTH) return plain();
  if (type.isUnion()) return printUnion(checker, type.types, indent, depth);
  if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return plain();
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (!element) return plain();
    const text = printType(checker, element, indent, depth + 1);
    return element.isUnion() ? `(${text})[]` : `${text}[]`;
  }
  if (checker.isTupleType(type) || type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return plain();
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const info of checker.getIndexInfosOfType(type)) {
    lines.push(`${inner}[key: ${checker.typeToString(info.keyType)}]: ${printType(checker, info.type, inner, depth + 1)};`);
  }
  for (const prop of checker.getPropertiesOfType(type)) {
    const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
    const propType = checker.getTypeOfSymbol(prop);
    const key = IDENTIFIER.test(prop.name) ? prop.name : JSON.stringify(prop.name);
    // An optional property's `undefined` is what its `?` already says.
    const text =
      optional && propType.isUnion()
        ? printUnion(checker, propType.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)), inner, depth + 1)
        : printType(checker, propType, inner, depth + 1);
    lines.push(`${inner}${key}${optional ? "?" : ""}: ${text};`);
  }
  return lines.length ? `{\n${lines.join("\n")}\n${indent}}` : "{}";
}

/** The members joined with ` | `; `true | false` read as `boolean`, as TypeScript writes it. */
function printUnion(checker: ts.TypeChecker, members: readonly ts.Type[], indent: string, depth: number): string {
  const isBool = (t: ts.Type) => (t.flags & ts.TypeFlags.BooleanLiteral) !== 0;
  const bools = members.filter(isBool).map((t) => checker.typeToString(t));
  const both = bools.includes("true") && bools.includes("false");
  const isNullish = (t: ts.Type) => (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0;
  // `null` and `undefined` last, as the checker prints them.
  const ordered = [...members.filter((t) => !isNullish(t)), ...members.filter(isNullish)];
  const parts = ordered.filter((t) => !(both && isBool(t))).map((t) => printType(checker, t, indent, depth + 1));
  if (both) parts.splice(parts.length - ordered.filter(isNullish).length, 0, "boolean");
  return parts.join(" | ");
}
