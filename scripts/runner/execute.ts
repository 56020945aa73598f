// Executes one notebook on a fresh tslab kernel: inject parameters, run code cells in order, record
// outputs and timing, stop at the first failure, and always leave no kernel behind.
import type { ICodeCell, INotebookContent } from "@jupyterlab/nbformat";
import path from "node:path";
import type { Metrics } from "../../src/report";
import { CellTimeout, Kernel, KernelDied } from "./kernel";
import { readMetrics } from "./metrics";
import { KERNELSPEC, readNotebook, text } from "./notebook";
import { OutputCollector } from "./outputs";
import { injectParameters, type Parameters } from "./parameters";

export type Status = "ok" | "error" | "timeout" | "cached";

export interface CellResult {
  index: number;
  seconds: number;
  status: "ok" | "error" | "timeout";
}

export interface NotebookResult {
  path: string;
  profile?: string;
  status: Status;
  seconds: number;
  kernel_start_seconds?: number;
  /** The kernel's peak resident memory (MB), read just before it stopped; absent where the OS does not say. */
  peak_rss_mb?: number;
  metrics: Metrics;
  cells: CellResult[];
  /** One readable paragraph: notebook, cell, its first lines and the error text. */
  error?: string;
}

export interface ExecuteOptions {
  params: Parameters;
  /** Names the parameter source in the injected cell and in errors, e.g. `profile "quick"`. */
  label: string;
  cellTimeoutMs: number;
  notebookTimeoutMs: number;
  onCell?: (done: number, total: number) => void;
  /** Added to the kernel's environment (for example TFJS_THREADS when notebooks run side by side). */
  env?: Record<string, string>;
}

const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100;

function firstLines(source: string, n = 3): string {
  const lines = source.trim().split("\n");
  return lines.slice(0, n).map((l) => "    | " + l).join("\n") + (lines.length > n ? "\n    | …" : "");
}

/** tslab's stderr for a failed cell, without the stack frames of its own machinery (kept with DEBUG=1). */
function errorText(stderr: string): string {
  const lines = stderr.trim().split("\n");
  const kept = process.env.DEBUG ? lines : lines.filter((l) => !/^\s+at |^evalmachine\.<anonymous>:\d+$/.test(l));
  return kept.slice(0, 12).join("\n").trim();
}

/** Runs `file`; returns the executed notebook (always) and its result. Never throws for notebook failures. */
export async function executeNotebook(file: string, opts: ExecuteOptions): Promise<{ notebook: INotebookContent; result: NotebookResult }> {
  const started = performance.now();
  const notebook = readNotebook(file);
  const result: NotebookResult = { path: file, status: "ok", seconds: 0, metrics: {}, cells: [] };
  const fail = (status: Status, message: string) => {
    result.status = status;
    result.error = message;
  };
  notebook.metadata = { ...notebook.metadata, kernelspec: notebook.metadata.kernelspec ?? KERNELSPEC };
  const code = notebook.cells.filter((c): c is ICodeCell => c.cell_type === "code");
  for (const cell of code) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  try {
    injectParameters(notebook, opts.params, opts.label);
  } catch (error) {
    fail("error", `${file}: ${(error as Error).message}`);
    return { notebook, result: { ...result, seconds: seconds(started) } };
  }

  let kernel: Kernel | undefined;
  try {
    const kernelStarted = performance.now();
    kernel = await Kernel.start(path.dirname(path.resolve(file)), undefined, opts.env);
    result.kernel_start_seconds = seconds(kernelStarted);
    await runCells(kernel, notebook, file, opts, started, result, fail);
  } catch (error) {
    fail("error", `${file}: ${(error as Error).message}`);
  } finally {
    const peak = kernel?.peakRssMb();
    if (peak !== undefined) result.peak_rss_mb = peak;
    if (result.status === "ok") await kernel?.shutdown();
    else await kernel?.kill();
  }
  result.metrics = readMetrics(notebook);
  result.seconds = seconds(started);
  return { notebook, result };
}

async function runCells(
  kernel: Kernel,
  notebook: INotebookContent,
  file: string,
  opts: ExecuteOptions,
  started: number,
  result: NotebookResult,
  fail: (status: Status, message: string) => void,
): Promise<void> {
  const collector = new OutputCollector();
  const code = notebook.cells.filter((c): c is ICodeCell => c.cell_type === "code");
  const deadline = started + opts.notebookTimeoutMs;
  for (const [k, cell] of code.entries()) {
    opts.onCell?.(k, code.length);
    const source = text(cell.source);
    const index = notebook.cells.indexOf(cell);
    if (source.trim() === "") continue;
    const where = `${file}, cell ${index + 1}:\n${firstLines(source)}\n`;
    const cellStarted = performance.now();
    const remaining = deadline - cellStarted;
    const notebookLimited = remaining < opts.cellTimeoutMs;
    collector.begin(cell);
    try {
      const reply = await kernel.execute(source, (msg) => collector.add(msg), Math.max(0, Math.min(opts.cellTimeoutMs, remaining)));
      cell.execution_count = reply.execution_count;
      cell.metadata = { ...cell.metadata, execution: reply.timing };
      const status = reply.status === "ok" ? "ok" : "error";
      result.cells.push({ index, seconds: seconds(cellStarted), status });
      if (status === "error") {
        const why = reply.status === "abort" ? "the kernel aborted the request" : errorText(collector.stderr()) || "the cell failed without a message";
        return fail("error", `${where}  ${why.replace(/\n/g, "\n  ")}`);
      }
    } catch (error) {
      const timedOut = error instanceof CellTimeout;
      result.cells.push({ index, seconds: seconds(cellStarted), status: timedOut ? "timeout" : "error" });
      if (timedOut && notebookLimited) return fail("timeout", `${where}  notebook timed out after ${opts.notebookTimeoutMs / 1000} s; the kernel was interrupted and killed`);
      if (timedOut) return fail("timeout", `${where}  ${(error as Error).message}; the kernel was interrupted and killed`);
      if (error instanceof KernelDied) return fail("error", `${where}  ${error.message}`);
      throw error;
    }
  }
  opts.onCell?.(code.length, code.length);
}
