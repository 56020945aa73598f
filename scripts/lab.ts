// npm run lab [-- jupyter lab options]: register the project's tslab as the per-user kernel "TypeScript",
// build the helpers, then start JupyterLab on the repo, or say exactly how to install it.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { ensureBuilt } from "./runner/build";
import { installKernelspec, jupyterPython, which } from "./runner/kernelspec";

const ROOT = path.resolve(__dirname, "..");

const HOW_TO_INSTALL = `
JupyterLab is not installed. Install it, then run \`npm run lab\` again:

  pip install --user jupyterlab        # or: pipx install jupyterlab
  pip install --user plotly            # optional: the jupyterlab-plotly renderer for interactive plots

Without plotly, plots show their HTML fallback. Any Jupyter client can already run the notebooks:
the kernel "TypeScript" (tslab) is registered.`;

function main(): void {
  ensureBuilt(ROOT);
  const python = jupyterPython() ?? "python3";
  const install = installKernelspec(ROOT, python, "--user");
  if (!install.ok) {
    throw new Error(`registering the tslab kernelspec with ${python} failed (${install.output.split("\n").pop()}); install Jupyter first: pip install --user jupyterlab`);
  }
  process.stderr.write(`kernel "TypeScript" registered → ${path.join(ROOT, "node_modules", ".bin", "tslab")}\n`);
  const hasLab = which("jupyter-lab") !== undefined || spawnSync("jupyter", ["lab", "--version"], { stdio: "ignore" }).status === 0;
  if (!hasLab) {
    process.stderr.write(HOW_TO_INSTALL + "\n");
    process.exitCode = 1;
    return;
  }
  const lab = spawn("jupyter", ["lab", `--ServerApp.root_dir=${ROOT}`, "notebooks/", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => lab.kill(signal));
  lab.on("exit", (code) => (process.exitCode = code ?? 1));
}

try {
  main();
} catch (error) {
  process.stderr.write(`lab: ${process.env.DEBUG ? (error as Error).stack : (error as Error).message}\n`);
  process.exit(1);
}
