// The live page's cell runtime (scripts/site/live/cells.ts), run in Node: tslab's semantics for a page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CellRuntime, rewriteCell, type CellOutput } from "../scripts/site/live/cells";
import { formatValue } from "../scripts/site/live/inspect";
import * as display from "../src/display";

async function runAll(runtime: CellRuntime, ...cells: string[]) {
  const outputs: CellOutput[][] = [];
  const results = [];
  for (const source of cells) {
    const out: CellOutput[] = [];
    results.push(await runtime.run(source, (o) => out.push(o)));
    outputs.push(out);
  }
  return { outputs, results, stdout: (i: number) => outputs[i].filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => (o as { text: string }).text).join("") };
}

test("top-level declarations persist from cell to cell: const, let, destructuring, functions, classes; TypeScript is stripped", async () => {
  const runtime = new CellRuntime({});
  const run = await runAll(
    runtime,
    `const a: number = 2; let b = 3;
     function scale(x: number): number { return x * a; }
     class Counter { count = 1; constructor(public step: number) {} }
     interface Unused { x: number }
     const { p, q: [r, ...rest] } = { p: 1, q: [2, 3, 4] };`,
    `console.log(scale(b), new Counter(5).step, p, r, rest);`,
    `b = 10; const a = 7;`,
    `scale(b)`,
  );
  assert.ok(run.results.every((r) => r.ok), JSON.stringify(run.outputs));
  assert.equal(run.stdout(1), "6 5 1 2 [ 3, 4 ]\n");
  assert.equal(run.stdout(3), "70\n", "a later cell's assignment and redeclaration are seen by the earlier cell's function");
  assert.deepEqual(runtime.names().sort(), ["Counter", "a", "b", "p", "r", "rest", "scale"]);
});

test("top-level await, hoisted functions, the last expression's value, block scopes stay local", async () => {
  const runtime = new CellRuntime({});
  const run = await runAll(
    runtime,
    `const v = await new Promise<number>((resolve) => setTimeout(() => resolve(5), 5)); console.log(hoisted()); function hoisted() { return "hoisted"; }`,
    `{ const inner = 1; } for (let i = 0; i < 2; i++) {} typeof inner + " " + typeof i`,
    `v * 2`,
    `undefined`,
  );
  assert.equal(run.stdout(0), "hoisted\n");
  assert.equal(run.stdout(1), "undefined undefined\n");
  assert.equal(run.results[2].value, 10);
  assert.equal(run.stdout(2), "10\n");
  assert.equal(run.stdout(3), "", "undefined prints nothing");
});

test("imports resolve to the page's modules and persist; an unknown module is a clear error", async () => {
  const runtime = new CellRuntime({ "../dist/m": { x: 1, default: 9 }, "@tensorflow/tfjs": { version: "4.22.0" } });
  const run = await runAll(
    runtime,
    `import d, { x as y } from "../dist/m"; import * as tf from "@tensorflow/tfjs"; import type { Nothing } from "../dist/m";`,
    `console.log(d, y, tf.version)`,
    `import { z } from "../dist/missing";`,
  );
  assert.equal(run.stdout(1), "9 1 4.22.0\n");
  assert.equal(run.results[2].ok, false);
  const error = run.outputs[2][0];
  assert.equal(error.output_type, "error");
  assert.match((error as { evalue: string }).evalue, /Cannot find module "\.\.\/dist\/missing" in the page: it offers "\.\.\/dist\/m", "@tensorflow\/tfjs"/);
});

test("errors end the cell with an error output, later cells still run, Restart forgets every name", async () => {
  const runtime = new CellRuntime({});
  const run = await runAll(
    runtime,
    `const kept = 1; console.log("before"); throw new RangeError("bad value"); console.log("after");`,
    `const oops = ;`,
    `export const shared = 1;`,
    `kept`,
  );
  assert.equal(run.stdout(0), "before\n");
  assert.deepEqual(run.outputs[0].at(-1), { output_type: "error", ename: "RangeError", evalue: "bad value", traceback: ["RangeError: bad value"] });
  assert.equal((run.outputs[1][0] as { ename: string }).ename, "SyntaxError");
  assert.match((run.outputs[2][0] as { evalue: string }).evalue, /a cell cannot export/);
  assert.equal(run.stdout(3), "1\n", "the names declared before the throw stay");
  runtime.restart();
  const after = await runAll(runtime, `kept`);
  assert.equal((after.outputs[0][0] as { ename: string }).ename, "ReferenceError");
  assert.deepEqual(runtime.names(), []);
});

test("console output is captured per cell and formatted as Node prints it; cells queue one after another", async () => {
  const runtime = new CellRuntime({});
  const first: CellOutput[] = [];
  const second: CellOutput[] = [];
  const a = runtime.run(`await new Promise((r) => setTimeout(r, 20)); console.log({ a: [1, "x"], t: new Float32Array([1, 2]), m: new Map([["k", 1]]) }); console.error("warned")`, (o) => first.push(o));
  const b = runtime.run(`console.log("second")`, (o) => second.push(o));
  await Promise.all([a, b]);
  assert.deepEqual(first, [
    { output_type: "stream", name: "stdout", text: "{ a: [ 1, 'x' ], t: Float32Array(2) [ 1, 2 ], m: Map(1) { 'k' => 1 } }\n" },
    { output_type: "stream", name: "stderr", text: "warned\n" },
  ]);
  assert.deepEqual(second, [{ output_type: "stream", name: "stdout", text: "second\n" }]);
  assert.equal(console.log.name, "log", "console is restored after the cells");
});

test("display bundles from the course's display module arrive as outputs while a cell runs, and only then", async () => {
  const runtime = new CellRuntime({ "../dist/display": display }, display);
  const run = await runAll(
    runtime,
    `import { LiveDisplay, showTable } from "../dist/display";
     showTable(["<b>name</b>"], [["x"]]);
     const live = new LiveDisplay(); live.show({ "text/plain": "1" }); live.show({ "text/plain": "2" });`,
  );
  const shown = run.outputs[0].filter((o) => o.output_type === "display_data") as Extract<CellOutput, { output_type: "display_data" }>[];
  assert.equal(shown.length, 3);
  assert.match(String(shown[0].data["text/html"]), /<th>&lt;b&gt;name&lt;\/b&gt;<\/th>/);
  assert.deepEqual(shown.slice(1).map((o) => [o.data["text/plain"], o.update, o.display_id?.length]), [["1", false, 16], ["2", true, 16]]);
  assert.equal(display.display({ "text/plain": "outside" }), false, "the writer is released after the cell");
});

test("rewriteCell: what the runtime runs", () => {
  const { body, names } = rewriteCell(`import { a } from "m"; const [x, { y = 2 }] = f(); g(); function f() { return [1, {}]; }\nx + y`);
  assert.deepEqual(names, ["a", "x", "y", "f"]);
  assert.match(body, /^f = function f\(\) \{ return \[1, \{\}\]; \};\n/);
  assert.match(body, /a = __cellImport\("m"\)\["a"\];/);
  assert.match(body, /\(\[x, \{ y = 2 \}\] = f\(\)\);/);
  assert.match(body, /return \(x \+ y\);$/);
});

test("formatValue follows util.inspect for the common shapes", () => {
  assert.equal(formatValue([1, -0, "s", null, undefined, true]), "[ 1, -0, 's', null, undefined, true ]");
  assert.equal(formatValue({ "a-b": 1, nested: { deep: { deeper: { deepest: 1 } } } }), "{ 'a-b': 1, nested: { deep: { deeper: [Object] } } }");
  assert.equal(formatValue(new Set([1])), "Set(1) { 1 }");
  assert.equal(formatValue(Array.from({ length: 102 }, () => 0)).endsWith("... 2 more items\n]"), true);
  const circular: { self?: unknown } = {};
  circular.self = circular;
  assert.equal(formatValue(circular), "{ self: [Circular *1] }");
  assert.equal(formatValue(function named() {}), "[Function: named]");
  assert.equal(formatValue(class K {}), "[class: K]");
});
