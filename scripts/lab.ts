// npm run lab [-- --quick] [-- jupyter options]: register the project's tslab as the per-user kernel "TypeScript",
// build the helpers, then start JupyterLab on the repo, or else the Notebook UI (classic 6.x or Notebook 7),
// or say exactly how to install one. --quick opens copies of the notebooks with the quick profile's parameters.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { courseNotebooks } from "./notebooks";
import { ensureBuilt } from "./runner/build";
import { installKernelspec, jupyterPython } from "./runner/kernelspec";
import { writeProfileCopy } from "./runner/profile-copies";

const ROOT = path.resolve(__dirname, "..");
/** Where --quick writes its copies: next to notebooks/, because cells import ../dist/. */
const QUICK_DIR = "notebooks-quick";

const HOW_TO_INSTALL = `
No Jupyter UI is installed (neither JupyterLab nor the Notebook). Install one, then run \`npm run lab\` again:

  pip install --user jupyterlab        # or: pipx install jupyterlab
  pip install --user plotly            # optional: the jupyterlab-plotly renderer for interactive plots
  sudo apt-get install jupyter-notebook   # Debian/Ubuntu without pip: the classic Notebook UI

Without plotly, plots show their HTML fallback. Any Jupyter client can already run the notebooks:
the kernel "TypeScript" (tslab) is registered.`;

/** The major version `jupyter <app> --version` prints, or undefined when the app is not installed. */
function appVersion(app: "lab" | "notebook"): number | undefined {
  const run = spawnSync("jupyter", [app, "--version"], { encoding: "utf8" });
  const major = Number(run.stdout?.trim().split(".")[0]);
  return run.status === 0 && Number.isFinite(major) ? major : undefined;
}

/** The command line that starts the best installed UI on `folder` (relative to the repo), or undefined. */
function uiCommand(folder: string): { name: string; args: string[] } | undefined {
  if (appVersion("lab") !== undefined) return { name: "JupyterLab", args: ["lab", `--ServerApp.root_dir=${ROOT}`, folder] };
  const notebook = appVersion("notebook");
  if (notebook === undefined) return undefined;
  if (notebook >= 7) return { name: "Notebook 7", args: ["notebook", `--ServerApp.root_dir=${ROOT}`, folder] };
  return { name: `the classic Notebook ${notebook}`, args: ["notebook", `--notebook-dir=${ROOT}`, `--NotebookApp.default_url=/tree/${folder}`] };
}

function main(): void {
  const quick = process.argv.includes("--quick");
  const jupyterArgs = process.argv.slice(2).filter((arg) => arg !== "--quick");
  ensureBuilt(ROOT);
  const python = jupyterPython() ?? "python3";
  const install = installKernelspec(ROOT, python, "--user");
  if (!install.ok) {
    throw new Error(`registering the tslab kernelspec with ${python} failed (${install.output.split("\n").pop()}); install Jupyter first: pip install --user jupyterlab`);
  }
  process.stderr.write(`kernel "TypeScript" registered → ${path.join(ROOT, "node_modules", ".bin", "tslab")}\n`);
  let folder = "notebooks";
  if (quick) {
    const notebooks = courseNotebooks(path.join(ROOT, "notebooks"));
    for (const file of notebooks) writeProfileCopy(file, path.join(ROOT, QUICK_DIR), "quick", path.join(ROOT, "notebooks", "course.config.json"));
    process.stderr.write(`${notebooks.length} notebooks with the quick profile's parameters → ${QUICK_DIR}/ (rewritten on every --quick; edit notebooks/ instead)\n`);
    folder = QUICK_DIR;
  }
  const ui = uiCommand(folder);
  if (!ui) {
    process.stderr.write(HOW_TO_INSTALL + "\n");
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`starting ${ui.name} on ${folder}/\n`);
  const server = spawn("jupyter", [...ui.args, ...jupyterArgs], { cwd: ROOT, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => (process.exitCode = code ?? 1));
}

try {
  main();
} catch (error) {
  process.stderr.write(`lab: ${process.env.DEBUG ? (error as Error).stack : (error as Error).message}\n`);
  process.exit(1);
}
