// Every course notebook ends with exercises that have hints, and at least two of them are solved in cells
// tagged `solution` (executed by the course test like any cell, folded on the site, collapsed in Jupyter).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { courseNotebooks } from "../scripts/notebooks";

const ROOT = path.resolve(__dirname, "..");
type Cell = { cell_type: string; source: string[] | string; metadata?: { tags?: string[]; jupyter?: { source_hidden?: boolean } } };
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

for (const file of courseNotebooks(path.join(ROOT, "notebooks"))) {
  test(`${path.basename(file)}: exercises with a hint each, and at least two solved`, () => {
    const cells = (JSON.parse(fs.readFileSync(file, "utf8")) as { cells: Cell[] }).cells;
    const at = cells.findIndex((c) => c.cell_type === "markdown" && /^## Exercises\b/m.test(text(c)));
    assert.ok(at >= 0, "no '## Exercises' section");
    const section = text(cells[at]).split(/^## Exercises\b/m)[1];
    const items = section.split(/^\d+\. /m).slice(1);
    assert.ok(items.length >= 2, "fewer than two exercises");
    items.forEach((item, i) => assert.match(item, /\*Hint:\*/, `exercise ${i + 1} has no '*Hint:*'`));
    const solutions = cells.filter((c) => c.cell_type === "code" && c.metadata?.tags?.includes("solution"));
    assert.ok(solutions.length >= 2, `${solutions.length} solution cell(s); at least two exercises need one`);
    for (const s of solutions) {
      const number = /^\/\/ Exercise (\d+)/.exec(text(s))?.[1];
      assert.ok(number && Number(number) <= items.length, `a solution cell must start with '// Exercise N' for one of the ${items.length} exercises: ${text(s).split("\n")[0]}`);
      assert.equal(s.metadata?.jupyter?.source_hidden, true, `the solution to exercise ${number} is not collapsed in Jupyter (metadata.jupyter.source_hidden)`);
      assert.ok(cells.indexOf(s) > at, `the solution to exercise ${number} comes before the exercises`);
    }
  });
}
