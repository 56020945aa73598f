// Profile copies for a Jupyter UI: the runner's injected-parameters cell, read from the config at call time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeProfileCopy } from "../scripts/runner/profile-copies";

const FIXTURES = path.join(__dirname, "fixtures", "notebooks");
const CONFIG = path.join(FIXTURES, "course.config.json");

test("a profile copy carries the profile's parameters after the parameters cell, the source untouched", () => {
  const out = mkdtempSync(path.join(tmpdir(), "profile-copy-"));
  const before = readFileSync(path.join(FIXTURES, "ok.ipynb"), "utf8");
  const copy = writeProfileCopy(path.join(FIXTURES, "ok.ipynb"), out, "quick", CONFIG);
  assert.equal(copy, path.join(out, "ok.ipynb"));
  const cells = JSON.parse(readFileSync(copy, "utf8")).cells as { metadata: { tags?: string[] }; source: string[] }[];
  const at = cells.findIndex((c) => c.metadata.tags?.includes("injected-parameters"));
  assert.ok(cells[at - 1].metadata.tags?.includes("parameters"), "right after the parameters cell");
  assert.deepEqual(cells[at].source.slice(1), ["const epochs = 1;\n", 'const label = "quick";\n']);
  assert.equal(readFileSync(path.join(FIXTURES, "ok.ipynb"), "utf8"), before);
});

test("a profile without parameters for the notebook copies it unchanged; a bad one names the notebook", () => {
  const out = mkdtempSync(path.join(tmpdir(), "profile-copy-"));
  const copy = writeProfileCopy(path.join(FIXTURES, "ok.ipynb"), out, "defaults", CONFIG);
  assert.ok(!readFileSync(copy, "utf8").includes("injected-parameters"));
  assert.throws(() => writeProfileCopy(path.join(FIXTURES, "ok.ipynb"), out, "typo", CONFIG), /^Error: ok\.ipynb: profile "typo" sets epoch, which the parameters cell does not declare$/);
  assert.throws(() => writeProfileCopy(path.join(FIXTURES, "ok.ipynb"), out, "nope", CONFIG), /profile "nope" is not in/);
});
