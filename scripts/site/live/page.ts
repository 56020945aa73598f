// The live notebook page: "Run" on every code cell, "Run all" and "Restart" for the page, cells editable in
// CodeMirror (TypeScript highlighting) and resettable, and a profile switch. Cells run in this page through
// CellRuntime (cells.ts: source → transpile → scope → run → outputs), and their outputs are drawn by the same
// renderer as the static pages (../outputs.ts), replacing the executed outputs of the build.
import { EditorView, basicSetup } from "codemirror";
import { javascript } from "@codemirror/lang-javascript";
import { CellRuntime, type CellOutput, type DisplayModule } from "./cells";
import { renderOutput, type OutputEnv } from "../outputs";
import { createMarkdown, newPageEnv } from "../markdown";
import { METRICS_MIME, type Metrics } from "../../../src/report";

/** What the site build writes into a notebook page (#live-config). */
export interface LiveConfig {
  notebook: string;
  /** The quick profile's parameter values, re-declared after the cell tagged "parameters" unless the reader picks full. */
  quick: Record<string, unknown>;
  /** data-cell index of the parameters cell, if the notebook has one. */
  parametersCell: number | null;
  /** What the notebook's cells import; a module among them that exports `preparePage` gets it called before the first cell. */
  imports: string[];
  /** False for a notebook that cannot run in a page, with the reason. */
  live: boolean;
  reason?: string;
}

declare global {
  interface Window {
    courseDrawPlots?: (root?: ParentNode) => void;
    courseLive?: { runAll(): Promise<boolean>; restart(): void; runtime: CellRuntime; busy(): boolean; metrics(): Metrics };
  }
}

interface Cell {
  index: number;
  section: HTMLElement;
  original: string;
  editor?: EditorView;
  outputs: HTMLElement;
  prompt: HTMLElement | null;
}

const button = (label: string, className: string, title: string) => {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.title = title;
  return b;
};

export function startLivePage(modules: Record<string, unknown>): void {
  const start = () => {
    const element = document.getElementById("live-config");
    if (!element) return;
    const config = JSON.parse(element.textContent ?? "{}") as LiveConfig;
    new LivePage(config, modules);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}

class LivePage {
  private runtime: CellRuntime;
  private cells: Cell[] = [];
  private md = createMarkdown();
  private env: OutputEnv = { ...newPageEnv(), plotly: 1_000_000 }; // figure ids above the static page's
  private status: HTMLElement;
  private profile: HTMLSelectElement;
  private running = false;
  private count = 0;
  /** What the cells reported with report(), later values winning (as the runner reads an executed notebook). */
  private metrics: Metrics = {};
  private tf: { engine(): { startScope(): void; endScope(): void }; disposeVariables(): void; memory(): { numTensors: number } } | undefined;

  constructor(private readonly config: LiveConfig, private readonly modules: Record<string, unknown>) {
    this.runtime = new CellRuntime(modules, modules["../dist/display"] as DisplayModule);
    this.tf = modules["@tensorflow/tfjs"] as LivePage["tf"];
    this.tf?.engine().startScope(); // Restart ends it, which frees every tensor the cells made
    const bar = document.createElement("div");
    bar.className = "live-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Run this notebook in the page");
    this.status = document.createElement("p");
    this.status.className = "live-status";
    this.status.setAttribute("aria-live", "polite");
    this.profile = document.createElement("select");
    this.profile.setAttribute("aria-label", "Parameters");
    for (const [value, label] of [["quick", "quick parameters (minutes)"], ["full", "full parameters (the course's)"]]) this.profile.add(new Option(label, value));
    const first = document.querySelector("section.cell");
    if (!config.live) {
      this.status.textContent = `This notebook does not run in the page: ${config.reason ?? "it needs a kernel"}. Download it and open it in JupyterLab.`;
      bar.append(this.status);
      first?.before(bar);
      return;
    }
    const runAll = button("Run all", "live-run-all", "Run every code cell from the top, stopping at the first error");
    const restart = button("Restart", "live-restart", "Forget every name the cells declared and free their tensors");
    runAll.addEventListener("click", () => void this.runAll());
    restart.addEventListener("click", () => this.restart());
    bar.append(runAll, restart, this.profile, this.status);
    first?.before(bar);
    this.status.textContent =
      location.protocol === "file:"
        ? "Opened from a file: cells run, but they cannot fetch the course's data and wasm from here. Serve the site (npm run serve, or any web server) to run the notebook."
        : "Cells run in this page, on this computer: TypeScript is transpiled, not type-checked. The quick parameters are the default.";
    document.querySelectorAll<HTMLElement>("section.cell.code[data-cell]").forEach((section) => this.addCell(section));
    window.courseLive = { runAll: () => this.runAll(), restart: () => this.restart(), runtime: this.runtime, busy: () => this.running, metrics: () => ({ ...this.metrics }) };
  }

  private addCell(section: HTMLElement): void {
    const input = section.querySelector<HTMLElement>(".input");
    const code = input?.querySelector("pre code");
    if (!input || !code) return;
    let outputs = section.querySelector<HTMLElement>(".outputs");
    if (!outputs) {
      outputs = document.createElement("div");
      outputs.className = "outputs";
      input.after(outputs);
    }
    const cell: Cell = { index: Number(section.dataset.cell), section, original: code.textContent ?? "", outputs, prompt: input.querySelector(".prompt") };
    const run = button("Run", "live-run", "Run this cell");
    const edit = button("Edit", "live-edit", "Edit this cell's code");
    run.addEventListener("click", () => void this.runCells([cell]));
    edit.addEventListener("click", () => {
      if (cell.editor) {
        this.setSource(cell, cell.original); // "Reset": back to the course's code
        return;
      }
      this.openEditor(cell);
      edit.textContent = "Reset";
      edit.title = "Put the course's original code back";
    });
    const controls = document.createElement("div");
    controls.className = "live-controls";
    controls.append(run, edit);
    input.append(controls);
    this.cells.push(cell);
  }

  private openEditor(cell: Cell): void {
    const pre = cell.section.querySelector(".input pre");
    const host = document.createElement("div");
    host.className = "live-editor";
    pre?.replaceWith(host);
    cell.editor = new EditorView({
      doc: cell.original,
      extensions: [basicSetup, javascript({ typescript: true }), EditorView.lineWrapping],
      parent: host,
    });
  }

  private setSource(cell: Cell, source: string): void {
    cell.editor?.dispatch({ changes: { from: 0, to: cell.editor.state.doc.length, insert: source } });
  }

  private source(cell: Cell): string {
    return cell.editor ? cell.editor.state.doc.toString() : cell.original;
  }

  private async runAll(): Promise<boolean> {
    return this.runCells(this.cells);
  }

  /** Runs cells in order; stops at the first that fails. True when all succeeded. */
  private async runCells(cells: Cell[]): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    document.body.classList.add("live-running");
    try {
      for (const [i, cell] of cells.entries()) {
        this.status.textContent = cells.length > 1 ? `Running cell ${i + 1} of ${cells.length}…` : "Running…";
        const started = performance.now();
        const ok = await this.runCell(cell);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (!ok) {
          this.status.textContent = `Stopped: cell [${cell.prompt?.textContent?.replace(/\D/g, "") || i + 1}] raised an error (its output says what). Fix it and run again.`;
          return false;
        }
        this.status.textContent = cells.length > 1 ? `Ran ${i + 1} of ${cells.length} cells.` : `Ran in ${seconds} s.`;
      }
      if (cells.length > 1) this.status.textContent = `Ran all ${cells.length} cells.`;
      return true;
    } finally {
      this.running = false;
      document.body.classList.remove("live-running");
    }
  }

  private pageReady: Promise<unknown> | undefined;

  private async runCell(cell: Cell): Promise<boolean> {
    // The backend is chosen before any cell runs, so a cell that uses tf before calling initBackend() gets it
    // too, and not tfjs's own first pick (WebGPU, which needs an asynchronous start).
    // Modules whose synchronous calls need files fetched first (text-corpus) get them now.
    this.pageReady ??= (async () => {
      const backend = this.modules["../dist/backend"] as { initBackend?(o: { quiet: boolean }): Promise<unknown> } | undefined;
      const prepared = this.config.imports.map((s) => (this.modules[s] as { preparePage?(): Promise<void> } | undefined)?.preparePage?.());
      await Promise.all([backend?.initBackend?.({ quiet: true }).catch(() => undefined), ...prepared]);
    })();
    await this.pageReady;
    cell.section.classList.add("running");
    cell.section.classList.remove("failed");
    cell.outputs.replaceChildren();
    const view = new OutputView(cell.outputs, this.md, this.env);
    const onOutput = (o: CellOutput) => {
      const reported = o.output_type === "display_data" ? o.data[METRICS_MIME] : undefined;
      if (reported && typeof reported === "object") Object.assign(this.metrics, reported);
      view.add(o);
    };
    try {
      const result = await this.runtime.run(this.source(cell), onOutput);
      if (result.ok && cell.index === this.config.parametersCell && this.profile.value === "quick" && Object.keys(this.config.quick).length) {
        const names = Object.keys(this.config.quick);
        const injected = names.map((n) => `const ${n} = ${JSON.stringify(this.config.quick[n])};`).join("\n");
        const again = await this.runtime.run(injected, onOutput);
        view.add({ output_type: "stream", name: "stdout", text: `quick parameters for this page: ${names.map((n) => `${n} = ${JSON.stringify(this.config.quick[n])}`).join(", ")} (pick "full parameters" above for the course's values)\n` });
        if (!again.ok) return false;
      }
      this.count += 1;
      if (cell.prompt) cell.prompt.textContent = `[${this.count}]`;
      if (!result.ok) cell.section.classList.add("failed");
      return result.ok;
    } finally {
      cell.section.classList.remove("running");
    }
  }

  private restart(): void {
    if (this.running) {
      this.status.textContent = "A cell is running: Restart once it ends.";
      return;
    }
    this.runtime.restart();
    const before = this.tf?.memory().numTensors ?? 0;
    this.tf?.engine().endScope();
    this.tf?.disposeVariables();
    this.tf?.engine().startScope();
    const freed = before - (this.tf?.memory().numTensors ?? 0);
    this.count = 0;
    for (const cell of this.cells) if (cell.prompt) cell.prompt.textContent = "[ ]";
    this.status.textContent = `Restarted: every name the cells declared is gone and ${freed} tensors were freed. Outputs stay until their cells run again.`;
  }
}

/** One cell's outputs as they arrive: streams of the same name join, display updates replace their display. */
class OutputView {
  private last: { name: string; text: string; element: HTMLElement } | undefined;
  private displays = new Map<string, HTMLElement>();

  constructor(private readonly root: HTMLElement, private readonly md: ReturnType<typeof createMarkdown>, private readonly env: OutputEnv) {}

  add(output: CellOutput): void {
    if (output.output_type === "stream") {
      if (this.last && this.last.name === output.name) {
        this.last.text += output.text;
        this.fill(this.last.element, { ...output, text: this.last.text });
      } else {
        const element = this.append();
        this.last = { name: output.name, text: output.text, element };
        this.fill(element, output);
      }
      return;
    }
    this.last = undefined;
    if (output.output_type === "display_data" && output.display_id) {
      const existing = this.displays.get(output.display_id);
      if (existing || output.update) {
        if (existing) this.fill(existing, output);
        return;
      }
      const element = this.append();
      this.displays.set(output.display_id, element);
      this.fill(element, output);
      return;
    }
    this.fill(this.append(), output);
  }

  private append(): HTMLElement {
    const element = document.createElement("div");
    element.className = "live-output";
    this.root.append(element);
    return element;
  }

  private fill(element: HTMLElement, output: CellOutput): void {
    const shape = output.output_type === "display_data" ? { output_type: "display_data", data: output.data, metadata: output.metadata } : output;
    element.innerHTML = renderOutput(shape as Parameters<typeof renderOutput>[0], this.md, this.env, output.output_type === "error");
    window.courseDrawPlots?.(element);
  }
}
