// Every name a notebook imports from a module that has a browser twin (package.json's "browser" field) is
// exported by the twin too, so a cell that runs in a kernel also finds its imports in a live page.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import path from "node:path";
import { NOT_LIVE } from "../scripts/site/live/bundle";

const ROOT = path.resolve(__dirname, "..");
const twins = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { browser: Record<string, string> }).browser;

/** module ("datasets") → names the live notebooks import from "../dist/<module>", with the notebooks that do. */
function importedNames(): Map<string, Map<string, string[]>> {
  const found = new Map<string, Map<string, string[]>>();
  for (const file of fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb") && !(f.slice(0, 2) in NOT_LIVE))) {
    const notebook = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", file), "utf8")) as { cells: { cell_type: string; source: string[] }[] };
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      for (const m of cell.source.join("").matchAll(/import\s*(type\s+)?\{([^}]*)\}\s*from\s*"\.\.\/dist\/([\w-]+)"/g)) {
        if (m[1]) continue; // type-only imports vanish when transpiled
        const names = found.get(m[3]) ?? new Map<string, string[]>();
        for (const raw of m[2].split(",").map((n) => n.trim()).filter(Boolean)) {
          if (raw.startsWith("type ")) continue;
          const name = raw.split(/\s+as\s+/)[0];
          names.set(name, [...(names.get(name) ?? []), file.slice(0, 2)]);
        }
        found.set(m[3], names);
      }
    }
  }
  return found;
}

test("browser twins export every name the live notebooks import from their Node modules", async () => {
  const imported = importedNames();
  const pairs = Object.entries(twins).filter(([from]) => from.startsWith("./src/"));
  assert.ok(pairs.length >= 4, "platform, datasets, backend and modelio have twins");
  for (const [from, to] of pairs) {
    const module = path.basename(from, ".ts");
    const node = (await import(path.join(ROOT, from))) as Record<string, unknown>;
    const browser = (await import(path.join(ROOT, to))) as Record<string, unknown>;
    for (const [name, notebooks] of imported.get(module) ?? []) {
      assert.ok(name in node, `${from} exports ${name} (imported by ${notebooks.join(", ")})`);
      assert.ok(name in browser, `${to} must export ${name}: notebooks ${notebooks.join(", ")} import it from ../dist/${module}`);
      assert.equal(typeof browser[name], typeof node[name], `${name}: the same kind of export in ${from} and ${to}`);
    }
  }
});
