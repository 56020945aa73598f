// Debian's classic Jupyter Notebook server for the UI tests: the project's tslab kernelspec registered into a
// temporary Jupyter folder (never the user's), a free loopback port and a token. stop() ends the server and
// every kernel it started, also when the test failed; an exiting test process kills them too.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { installKernelspec, jupyterPython, which } from "../scripts/runner/kernelspec";

export interface NotebookServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:34567/ */
  url: string;
  token: string;
  /** The last few thousand characters the server logged. */
  log(): string;
  stop(): Promise<void>;
}

/** Why the classic Notebook UI tests cannot run here, or undefined when they can. */
export function notebookServerMissing(): string | undefined {
  if (!which("jupyter-notebook") || !jupyterPython()) return "Debian's jupyter-notebook is not installed (apt-get install jupyter-notebook)";
  const version = spawnSync(which("jupyter-notebook")!, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (!(Number(version.split(".")[0]) < 7)) return `jupyter-notebook ${version} is not the classic Notebook (6.x) that these tests drive`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Kills the process groups of kernels whose command line names `runtimeDir` (their connection files live there). */
function killKernels(runtimeDir: string): void {
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    if (!cmdline.includes(runtimeDir)) continue;
    for (const target of [-Number(pid), Number(pid)]) {
      try {
        process.kill(target, "SIGKILL"); // jupyter_client starts each kernel in a new session: group = pid
      } catch {
        // not a group leader, or already gone
      }
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

const exited = (child: ChildProcess, ms: number) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(true)
    : new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        child.once("exit", () => (clearTimeout(timer), resolve(true)));
      });

/**
 * Starts `jupyter notebook` on `notebookDir` with the tslab kernelspec of `root`. Kernels inherit this
 * process's environment (TFJS_THREADS, COURSE_DATA_DIR…). Throws when the server does not come up.
 */
export async function startNotebookServer(root: string, notebookDir: string): Promise<NotebookServer> {
  const home = mkdtempSync(path.join(tmpdir(), "jupyter-ui-"));
  const dirs = { config: path.join(home, "config"), data: path.join(home, "data"), runtime: path.join(home, "runtime") };
  Object.values(dirs).forEach((dir) => mkdirSync(dir));
  const python = jupyterPython()!;
  const install = installKernelspec(root, python, `--prefix=${home}`);
  if (!install.ok) throw new Error(`registering the tslab kernelspec failed: ${install.output.split("\n").pop()}`);

  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTER_PATH: path.join(home, "share", "jupyter"),
    IPYTHONDIR: path.join(home, "ipython"),
  };
  const args = [
    "--no-browser",
    "--allow-root", // CI runs as root
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${notebookDir}`,
    // A safety net should this process die without stop(): idle kernels without a browser are culled,
    // then the server shuts itself down.
    "--MappingKernelManager.cull_idle_timeout=600",
    "--MappingKernelManager.cull_interval=60",
    "--NotebookApp.shutdown_no_activity_timeout=120",
    // The default, 1,000 messages/s, drops the chatty fixture's deliberate burst (4,500 updates at once) on a
    // fast machine and prints "IOPub message rate exceeded" instead. The course's own live displays send at most
    // 4 updates a second, far below either limit, so raising it only lets the burst check see the final state.
    "--NotebookApp.iopub_msg_rate_limit=1000000",
  ];
  const child = spawn(which("jupyter-notebook")!, args, { cwd: notebookDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-6000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const onExit = () => (killGroup(child, "SIGKILL"), killKernels(dirs.runtime));
  process.on("exit", onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, "SIGTERM"); // the server shuts its kernels down on SIGTERM
    if (!(await exited(child, 15_000))) killGroup(child, "SIGKILL");
    await exited(child, 5_000);
    killKernels(dirs.runtime);
    process.off("exit", onExit);
    rmSync(home, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`jupyter notebook exited at start: ${log.trim().split("\n").slice(-3).join(" | ")}`);
    }
    const status = await fetch(`${url}api/status?token=${token}`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter notebook did not answer on ${url} within 60 s: ${log.trim().split("\n").slice(-3).join(" | ")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, token, log: () => log, stop };
}

/** Shuts down every kernel of the server (e.g. after a notebook is done), through its REST API. */
export async function shutdownKernels(server: NotebookServer): Promise<void> {
  const auth = { headers: { Authorization: `token ${server.token}` } };
  const kernels = (await (await fetch(`${server.url}api/kernels`, auth)).json()) as { id: string }[];
  await Promise.all(kernels.map((k) => fetch(`${server.url}api/kernels/${k.id}`, { ...auth, method: "DELETE" })));
}
