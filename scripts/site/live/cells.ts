// The live course page's cell runtime: tslab's semantics in a web page (and in Node, where it is tested).
//
// How a cell travels: source → transpile → scope → run → outputs.
// 1. Transpile: sucrase strips the TypeScript. Nothing is type-checked (tslab checks types; the page does
//    not, so a type error shows only when the code misbehaves). Imports are kept, even unused ones, because a
//    later cell may use what this one imports.
// 2. Scope: acorn parses the JavaScript, and the cell's top-level statements are rewritten so that what it
//    declares outlives it, as in tslab:
//    - `import { a, b as c } from "m"`, `import * as m`, `import d` become assignments from the page's
//      modules (`modules`: "@tensorflow/tfjs", "../dist/…", given by the page's bundle);
//    - `const`/`let`/`var` (destructuring included), `function` and `class` declarations become assignments to
//      properties of one scope object that every cell shares; functions are hoisted within their cell;
//    - a final expression statement becomes the cell's value.
//    Declarations inside blocks and functions are untouched. Redeclaring a name in a later cell replaces it.
// 3. Run: the rewritten body runs as the body of an async function inside `with (scope)`, so top-level
//    `await` works and names resolve to the scope first, then to globals. Cells run one at a time.
// 4. Outputs: console.log/info/debug become stdout, console.warn/error stderr (formatted like Node's
//    console), display bundles arrive through the display module's writer (`setDisplayWriter`), a value other
//    than undefined is printed to stdout as tslab does, and an exception becomes an error output that ends
//    the cell. The caller renders outputs as they come (`onOutput`).
import { parse } from "acorn";
import type * as ESTree from "estree";
import { transform } from "sucrase";
import type { DisplayWriter } from "../../../src/display";
import { formatArgs, formatValue } from "./inspect";

export type CellOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown>; display_id?: string; update: boolean }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface DisplayModule {
  setDisplayWriter(writer: DisplayWriter | null): void;
}

export interface RunResult {
  ok: boolean;
  /** The value of a final expression statement (undefined otherwise, or on error). */
  value?: unknown;
}

/** A cell's source that cannot run (a syntax error): the message names the line and column in the cell. */
export class CellSyntaxError extends Error {}

type Node = ESTree.Node & { start: number; end: number };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** Names bound by a declaration pattern (`a`, `{ a, b: [c, ...d] }`, `e = 1`). */
function boundNames(pattern: ESTree.Pattern, names: string[] = []): string[] {
  switch (pattern.type) {
    case "Identifier":
      names.push(pattern.name);
      break;
    case "ObjectPattern":
      for (const p of pattern.properties as (ESTree.AssignmentProperty | ESTree.RestElement)[]) boundNames(p.type === "RestElement" ? p.argument : p.value, names);
      break;
    case "ArrayPattern":
      for (const p of pattern.elements) if (p) boundNames(p, names);
      break;
    case "RestElement":
      boundNames(pattern.argument, names);
      break;
    case "AssignmentPattern":
      boundNames(pattern.left, names);
      break;
    default:
      break;
  }
  return names;
}

const IMPORT = "__cellImport";
const SCOPE = "__cellScope";

/** The rewritten body of a cell and the top-level names it declares. Exported for tests. */
export function rewriteCell(source: string): { body: string; names: string[] } {
  let js: string;
  try {
    js = transform(source, { transforms: ["typescript"], keepUnusedImports: true, disableESTransforms: true }).code;
  } catch (error) {
    throw new CellSyntaxError((error as Error).message);
  }
  let program: ESTree.Program;
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true, locations: false }) as unknown as ESTree.Program;
  } catch (error) {
    throw new CellSyntaxError((error as Error).message);
  }
  const text = (n: ESTree.Node) => js.slice((n as Node).start, (n as Node).end);
  const names: string[] = [];
  const hoisted: string[] = [];
  const parts: string[] = [];
  let last = 0;
  const replace = (node: ESTree.Node, replacement: string) => {
    parts.push(js.slice(last, (node as Node).start), replacement);
    last = (node as Node).end;
  };
  const statements = program.body as ESTree.Node[];
  for (const [i, node] of statements.entries()) {
    if (node.type === "ImportDeclaration") {
      const from = `${IMPORT}(${JSON.stringify(node.source.value)})`;
      const assignments = node.specifiers.map((s) => {
        names.push(s.local.name);
        if (s.type === "ImportNamespaceSpecifier") return `${s.local.name} = ${from};`;
        if (s.type === "ImportDefaultSpecifier") return `${s.local.name} = ${from}.default;`;
        const imported = s.imported.type === "Identifier" ? s.imported.name : String((s.imported as unknown as ESTree.Literal).value);
        return `${s.local.name} = ${from}[${JSON.stringify(imported)}];`;
      });
      replace(node, assignments.length ? assignments.join(" ") : `${from};`);
    } else if (node.type === "VariableDeclaration") {
      const assignments = node.declarations.map((d) => {
        names.push(...boundNames(d.id));
        return `(${text(d.id)} = ${d.init ? text(d.init) : "undefined"});`;
      });
      replace(node, assignments.join(" "));
    } else if (node.type === "FunctionDeclaration" && node.id) {
      names.push(node.id.name);
      hoisted.push(`${node.id.name} = ${text(node)};`);
      replace(node, "");
    } else if (node.type === "ClassDeclaration" && node.id) {
      names.push(node.id.name);
      replace(node, `${node.id.name} = ${text(node)};`);
    } else if (node.type === "ExportNamedDeclaration" || node.type === "ExportDefaultDeclaration" || node.type === "ExportAllDeclaration") {
      throw new CellSyntaxError(`line ${lineOf(js, (node as Node).start)}: a cell cannot export; declare the name instead (every top-level name is shared with later cells)`);
    } else if (node.type === "ExpressionStatement" && i === statements.length - 1 && !("directive" in node && node.directive)) {
      replace(node, `return (${text(node.expression)});`);
    }
  }
  parts.push(js.slice(last));
  return { body: hoisted.join("\n") + (hoisted.length ? "\n" : "") + parts.join(""), names: [...new Set(names)] };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

export class CellRuntime {
  private scope: Record<string, unknown> = Object.create(null);
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `modules`: what `import … from "<specifier>"` gives a cell, e.g. { "@tensorflow/tfjs": tf, "../dist/plots": plots }.
   * `display`: the display module those cells use, whose writer the runtime takes over while a cell runs.
   */
  constructor(private readonly modules: Record<string, unknown>, private readonly display?: DisplayModule) {}

  /** Forgets every name the cells declared (the page's "Restart"). */
  restart(): void {
    this.scope = Object.create(null);
  }

  /** The names cells have declared so far. */
  names(): string[] {
    return Object.keys(this.scope);
  }

  /** Runs one cell after any cell already running; outputs go to `onOutput` as they happen. */
  run(source: string, onOutput: (output: CellOutput) => void): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(source, onOutput));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(source: string, onOutput: (output: CellOutput) => void): Promise<RunResult> {
    const scope = this.scope;
    const importModule = (specifier: string) => {
      if (!(specifier in this.modules)) {
        throw new Error(`Cannot find module "${specifier}" in the page: it offers ${Object.keys(this.modules).map((m) => `"${m}"`).join(", ")}`);
      }
      return this.modules[specifier];
    };
    const stream = (name: "stdout" | "stderr") => (...args: unknown[]): void => {
      onOutput({ output_type: "stream", name, text: formatArgs(args) + "\n" });
    };
    const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
    try {
      const { body, names } = rewriteCell(source);
      for (const name of names) if (!(name in scope)) scope[name] = undefined;
      const cell = new AsyncFunction(SCOPE, IMPORT, `with (${SCOPE}) {\n${body}\n}`);
      Object.assign(console, { log: stream("stdout"), info: stream("stdout"), debug: stream("stdout"), warn: stream("stderr"), error: stream("stderr") });
      this.display?.setDisplayWriter((msg, update) =>
        onOutput({ output_type: "display_data", data: msg.data, metadata: msg.metadata, update, ...(msg.transient.display_id ? { display_id: msg.transient.display_id } : {}) }),
      );
      const value = await cell(scope, importModule);
      if (value !== undefined) onOutput({ output_type: "stream", name: "stdout", text: formatValue(value) + "\n" });
      return { ok: true, value };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(formatValue(error));
      const ename = e instanceof CellSyntaxError ? "SyntaxError" : e.name;
      onOutput({ output_type: "error", ename, evalue: e.message, traceback: [`${ename}: ${e.message}`] });
      return { ok: false };
    } finally {
      Object.assign(console, saved);
      this.display?.setDisplayWriter(null);
    }
  }
}
