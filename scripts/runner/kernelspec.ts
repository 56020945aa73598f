// Registering the project's own tslab as the Jupyter kernel "tslab", for JupyterLab and standard clients.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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

/**
 * Installs the kernelspecs `tslab` (TypeScript) and `jslab` whose argv starts the project's
 * node_modules/.bin/tslab, so Jupyter never picks up a global tslab of another version.
 * `where` is "--user" or "--prefix=DIR". Returns tslab's own message on failure.
 */
export function installKernelspec(root: string, python: string, where: string): { ok: boolean; output: string } {
  const binary = path.join(root, "node_modules", ".bin", "tslab");
  const args = [require.resolve("tslab/bin/tslab"), "install", `--binary=${binary}`, `--python=${python}`, where];
  const run = spawnSync(process.execPath, args, { encoding: "utf8" });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}
