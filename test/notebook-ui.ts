// Driving one notebook page of the classic Jupyter Notebook UI (6.x) the way a learner does: the Cell menu's
// "Run All", the Kernel menu's "Restart & Run All", then reading what the page shows for every code cell.
import type { Page } from "playwright-core";

/** What one code cell shows after a run. */
export interface CellView {
  /** 1-based among code cells. */
  index: number;
  firstLine: string;
  executionCount: number | null;
  /** output_type of each output ("stream", "display_data", …). */
  outputTypes: string[];
  stderr: string;
  plotlyOutputs: number;
  plotsDrawn: number;
  pngOutputs: number;
  imagesShown: number;
  htmlTables: number;
  tablesShown: number;
  /** value / max of every <progress> bar in the outputs. */
  progress: number[];
  /** Lines of the longest text (stream) output. */
  longestStream: number;
  carriageReturn: boolean;
  /** The text of the cell's last output as shown (start only). */
  lastOutputText: string;
}

export interface Reply {
  status: string;
  executionCount: number | null;
}

export interface RunView {
  cells: CellView[];
  /** Every execute_reply of the run, in arrival order. */
  replies: Reply[];
}

// The page's own objects (notebook/js/*.js), only what is used here.
interface JupyterOutput {
  output_type: string;
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
}
interface JupyterCell {
  cell_type: string;
  input_prompt_number: number | string | null;
  element: HTMLElement[];
  output_area: { outputs: JupyterOutput[] };
  get_text(): string;
}
interface JupyterPage {
  notebook?: {
    _fully_loaded: boolean;
    get_cells(): JupyterCell[];
    set_autosave_interval(ms: number): void;
    kernel?: { is_connected(): boolean; restart(): void };
    events: {
      on(event: string, handler: (e: unknown, data: { reply: { header: { msg_type: string }; content: { status: string; execution_count?: number | null } } }) => void): void;
    };
  };
}
declare global {
  interface Window {
    Jupyter: JupyterPage;
    uiReplies: Reply[];
  }
}

/** Waits until the notebook is loaded and its kernel is connected and idle; records execute replies from then on. */
export async function waitForKernel(page: Page, timeoutMs: number): Promise<void> {
  await page
    .waitForFunction(
      () => window.Jupyter?.notebook?._fully_loaded && window.Jupyter.notebook.kernel?.is_connected() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon"),
      undefined,
      { timeout: timeoutMs },
    )
    .catch(() => {
      throw new Error(`the notebook's kernel did not start within ${timeoutMs / 1000} s for ${page.url()}`);
    });
  await page.evaluate(() => {
    const notebook = window.Jupyter.notebook!;
    notebook.set_autosave_interval(0); // the copies are throwaway; saving 5 MB of plotly.js per save only costs time
    window.uiReplies = [];
    notebook.events.on("shell_reply.Kernel", (_e, data) => {
      const { header, content } = data.reply;
      if (header.msg_type === "execute_reply") window.uiReplies.push({ status: content.status, executionCount: content.execution_count ?? null });
    });
  });
}

async function menu(page: Page, title: string, item: string): Promise<void> {
  await page.click(`#menus a.dropdown-toggle:text-is("${title}")`);
  await page.click(`#${item} > a`);
}

/** Cell → Run All. */
export async function runAll(page: Page): Promise<void> {
  await page.evaluate(() => (window.uiReplies = []));
  await menu(page, "Cell", "run_all_cells");
}

/** Kernel → Restart & Run All, confirmed in its dialog. */
export async function restartRunAll(page: Page): Promise<void> {
  await page.evaluate(() => (window.uiReplies = []));
  await menu(page, "Kernel", "restart_run_all");
  await page.click('.modal-dialog button:has-text("Restart and Run All Cells")');
}

/** Waits until every code cell has its reply and the kernel is idle, then until every plot is drawn. */
export async function waitForRun(page: Page, timeoutMs: number): Promise<void> {
  const done = () => {
    const code = window.Jupyter.notebook!.get_cells().filter((c) => c.cell_type === "code").length;
    return window.uiReplies.length >= code && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
  };
  await page.waitForFunction(done, undefined, { timeout: timeoutMs, polling: 500 }).catch(async () => {
    const replies = await page.evaluate(() => window.uiReplies.length);
    throw new Error(`the run did not finish within ${timeoutMs / 1000} s (${replies} cells replied)`);
  });
  const drawn = () =>
    window.Jupyter.notebook!.get_cells().every((cell) => {
      const figures = cell.output_area?.outputs.filter((o) => o.data && "application/vnd.plotly.v1+json" in o.data).length ?? 0;
      return cell.element[0].querySelectorAll(".js-plotly-plot .main-svg").length >= figures;
    });
  // On timeout the checks say which cell's plot is missing.
  await page.waitForFunction(drawn, undefined, { timeout: 15_000 }).catch(() => undefined);
}

/** Reads every code cell's prompt, outputs and rendered elements. */
export function inspect(page: Page): Promise<RunView> {
  return page.evaluate(() => {
    // No named functions in here: tsx would wrap them in a helper (__name) that the page does not have.
    const cells = window.Jupyter.notebook!.get_cells().filter((c) => c.cell_type === "code");
    return {
      replies: [...window.uiReplies],
      cells: cells.map((cell, i) => {
        const el = cell.element[0];
        const outputs = cell.output_area.outputs;
        const streams = Array.from(el.querySelectorAll<HTMLElement>(".output_stream pre, .output_text pre")).map((pre) => pre.textContent ?? "");
        const count = cell.input_prompt_number;
        return {
          index: i + 1,
          firstLine: cell.get_text().split("\n")[0],
          executionCount: typeof count === "number" ? count : null,
          outputTypes: outputs.map((o) => o.output_type),
          stderr: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => o.text ?? "").join(""),
          plotlyOutputs: outputs.filter((o) => o.data && "application/vnd.plotly.v1+json" in o.data).length,
          plotsDrawn: Array.from(el.querySelectorAll(".js-plotly-plot")).filter((p) => p.querySelector(".main-svg")).length,
          pngOutputs: outputs.filter((o) => o.data && "image/png" in o.data).length,
          imagesShown: Array.from(el.querySelectorAll<HTMLImageElement>(".output_png img")).filter((img) => img.complete && img.naturalWidth > 0).length,
          htmlTables: outputs.filter((o) => o.data && String(o.data["text/html"] ?? "").includes("<table")).length,
          tablesShown: el.querySelectorAll(".output_html table").length,
          progress: Array.from(el.querySelectorAll("progress")).map((p) => p.value / p.max),
          longestStream: Math.max(0, ...streams.map((s) => s.split("\n").length)),
          carriageReturn: streams.some((s) => s.includes("\r")),
          lastOutputText: (Array.from(el.querySelectorAll(".output_subarea")).pop()?.textContent ?? "").trim().slice(0, 200),
        };
      }),
    };
  });
}

/** The line of tslab's stderr that says what went wrong (its first lines are the throwing source line). */
function errorLine(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /^\w*Error\b|error TS\d+/.test(l)) ?? lines[0] ?? "no message").slice(0, 200);
}

/** Everything in a run that a learner would see as broken; empty when the run is good. */
export function runProblems(view: RunView): string[] {
  const problems: string[] = [];
  for (const reply of view.replies.filter((r) => r.status === "error")) {
    const cell = view.cells.find((c) => c.executionCount === reply.executionCount);
    problems.push(cell ? `cell ${cell.index} (${cell.firstLine.slice(0, 60)}) failed: ${errorLine(cell.stderr)}` : `a cell failed (execution count ${reply.executionCount})`);
  }
  const aborted = view.replies.filter((r) => r.status === "abort").length;
  if (aborted) problems.push(`the kernel aborted ${aborted} cell(s) after a failure`);
  const counts = view.cells.map((c) => c.executionCount);
  const expected = view.cells.map((_, i) => i + 1);
  if (problems.length === 0 && counts.join() !== expected.join()) problems.push(`execution counts are [${counts.join(", ")}], expected [${expected.join(", ")}]: a cell did not run, or state leaked from an earlier run`);
  for (const c of view.cells) {
    const where = `cell ${c.index} (${c.firstLine.slice(0, 60)})`;
    if (c.outputTypes.includes("error")) problems.push(`${where}: error output`);
    // A failing cell already shows in the replies; this is zeromq's warning when tslab loses a message.
    if (c.stderr.includes("Socket is busy")) problems.push(`${where}: "Socket is busy" on stderr: the kernel lost a message`);
    if (c.plotsDrawn < c.plotlyOutputs) problems.push(`${where}: ${c.plotlyOutputs} plotly figure(s), ${c.plotsDrawn} drawn as SVG`);
    if (c.imagesShown < c.pngOutputs) problems.push(`${where}: ${c.pngOutputs} PNG output(s), ${c.imagesShown} image(s) shown`);
    if (c.tablesShown < c.htmlTables) problems.push(`${where}: ${c.htmlTables} HTML table output(s), ${c.tablesShown} table(s) shown`);
    if (c.progress.some((p) => p < 1)) problems.push(`${where}: a progress bar ended at ${c.progress.map((p) => `${Math.round(p * 100)}%`).join(", ")}, not 100%`);
    if (c.longestStream > 200) problems.push(`${where}: a text output of ${c.longestStream} lines (in-place progress should end as one line)`);
    if (c.carriageReturn) problems.push(`${where}: a text output shows raw \\r frames`);
  }
  return problems;
}

// What the classic UI fetches for optional parts that Debian's package does not ship; each fails by design
// and the UI carries on: ipywidgets' extension (notebook/js/main.js tries it when widgets are missing),
// CodeMirror modes for a fenced block's language in markdown (```mermaid), and MathJax 2's font probe
// (@font-face MathJax_Blank, src: url('about:blank')).
const OPTIONAL_RESOURCES = [/\/nbextensions\/widgets\/notebook\/js\/extension\.js\?/, /\/static\/components\/codemirror\/mode\/[\w-]+\/[\w-]+\.js\?/, /'about:blank'|: about:blank \(|\(about:blank\)$/];

/** Page problems (see collectProblems) without the expected misses of OPTIONAL_RESOURCES. */
export function pageErrors(problems: string[]): string[] {
  return problems.filter((problem) => !OPTIONAL_RESOURCES.some((pattern) => pattern.test(problem)));
}

/** A full-page screenshot: the classic UI scrolls inside #site, so let the page grow to the notebook's height first. */
export async function screenshotNotebook(page: Page, file: string): Promise<void> {
  const style = await page.addStyleTag({ content: "html, body, #site { height: auto !important; overflow: visible !important; } body { display: block !important; }" });
  await page.screenshot({ path: file, fullPage: true });
  await style.evaluate((node) => (node as Element).remove());
}
