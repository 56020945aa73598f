// The standard Python client runs our notebooks too: `jupyter nbconvert --execute` with the project's
// tslab registered as a kernelspec in a temporary prefix (default parameters, no runner involved).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { installKernelspec, jupyterPython, which } from "../scripts/runner/kernelspec";
import { ensureBuilt } from "../scripts/runner/build";

const ROOT = path.resolve(__dirname, "..");
const nbconvert = which("jupyter-nbconvert");
const python = jupyterPython();
const skip = !nbconvert || !python ? "jupyter nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient)" : false;

test("jupyter nbconvert --execute runs a fixture notebook on the tslab kernelspec", { skip }, () => {
  ensureBuilt(ROOT);
  const prefix = mkdtempSync(path.join(tmpdir(), "kernelspec-"));
  const install = installKernelspec(ROOT, python!, `--prefix=${prefix}`);
  assert.ok(install.ok, install.output);
  const spec = JSON.parse(readFileSync(path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8"));
  assert.equal(spec.argv[0], path.join(ROOT, "node_modules", ".bin", "tslab"), "the kernelspec starts the project's own tslab");
  assert.match(spec.env.NODE_OPTIONS, /--require=.*zmq-send-fix\.js$/, "with the zeromq send fix preloaded");

  const out = mkdtempSync(path.join(tmpdir(), "nbconvert-"));
  const notebook = path.join(ROOT, "test", "fixtures", "notebooks", "ok.ipynb");
  const run = spawnSync(
    "jupyter",
    ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tslab", "--ExecutePreprocessor.timeout=120", "--output-dir", out, notebook],
    { env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") }, encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  const nb = JSON.parse(readFileSync(path.join(out, "ok.ipynb"), "utf8"));
  const outputs: { text?: string[]; data?: Record<string, unknown> }[] = nb.cells.flatMap((c: { outputs?: object[] }) => c.outputs ?? []);
  const plain = (value: unknown) => (Array.isArray(value) ? value.join("") : value);
  assert.ok(outputs.some((o) => plain(o.text) === "epochs=3 label=default\n"), "the parameters cell's defaults apply");
  assert.ok(outputs.some((o) => plain(o.text) === "progress 100%\n"), "\\r frames collapsed");
  assert.ok(outputs.some((o) => plain(o.data?.["text/plain"]) === "step 3"), "display updates applied by display_id");
  const metrics = outputs.map((o) => o.data?.["application/vnd.course.metrics+json"]).find(Boolean);
  assert.deepEqual(metrics, { score: 0.3, dataset: "toy" });
});
