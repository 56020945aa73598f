// Registering the project's own tslab as the Jupyter kernel "tslab", for JupyterLab and standard clients.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The absolute path of an executable on PATH, if any. */
export function which(command: string): string | undefined {
  return (process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, command)).find((file) => existsSync(file));
}

/** The Python that runs `jupyter` (it has jupyter_client, which the install needs), read from its shebang. */
export function jupyterPython(): string | undefined {
  const jupyter = which("jupyter");
  if (!jupyter) return undefined;
  const shebang = readFileSync(jupyter, "utf8").split("\n", 1)[0].match(/^#!\s*(\S+)(?:\s+(\S+))?/);
  if (!shebang) return undefined;
  return shebang[1].endsWith("/env") ? which(shebang[2]) : shebang[1];
}

/** Where `tslab install` put the kernelspecs for "--user" or "--prefix=DIR". */
function kernelsDir(python: string, where: string): string {
  if (where.startsWith("--prefix=")) return path.join(where.slice("--prefix=".length), "share", "jupyter", "kernels");
  const data = spawnSync(python, ["-c", "from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())"], { encoding: "utf8" });
  return path.join(data.stdout.trim(), "kernels");
}

/**
 * Installs the kernelspecs `tslab` (TypeScript) and `jslab` whose argv starts the project's
 * node_modules/.bin/tslab, so Jupyter never picks up a global tslab of another version, and adds the
 * zeromq send fix (see runner/zmq-send-fix.js) through NODE_OPTIONS in the spec's env.
 * `where` is "--user" or "--prefix=DIR". Returns tslab's own message on failure.
 */
export function installKernelspec(root: string, python: string, where: string): { ok: boolean; output: string } {
  const binary = path.join(root, "node_modules", ".bin", "tslab");
  const args = [require.resolve("tslab/bin/tslab"), "install", `--binary=${binary}`, `--python=${python}`, where];
  const run = spawnSync(process.execPath, args, { encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`.trim();
  if (run.status !== 0) return { ok: false, output };
  for (const name of ["tslab", "jslab"]) {
    const file = path.join(kernelsDir(python, where), name, "kernel.json");
    if (!existsSync(file)) return { ok: false, output: `${output}\n${file} was not written` };
    const spec = JSON.parse(readFileSync(file, "utf8"));
    spec.env = { ...spec.env, NODE_OPTIONS: `--require=${path.join(__dirname, "zmq-send-fix.js")}` };
    writeFileSync(file, JSON.stringify(spec, null, 1) + "\n");
  }
  return { ok: true, output };
}
