// The course as the site sees it: which notebooks exist, executed or not, with their title, goals, time and metrics.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as nbformat from "@jupyterlab/nbformat";
import type MarkdownIt from "markdown-it";
import { joinSource } from "./html";

export interface RunRecord {
  path: string;
  status: string;
  seconds?: number;
  metrics?: Record<string, unknown>;
  cells?: { index: number; seconds?: number; status?: string }[];
}

export interface Chapter {
  slug: string; // file name without .ipynb, e.g. "04-training-a-cnn"
  file: string; // the notebook that is rendered
  notebook: nbformat.INotebookContent;
  executed: boolean;
  run?: RunRecord;
  title: string;
  goals: string[]; // inline HTML, one per goal
  minutes?: number;
}

const NOTEBOOK_NAME = /^\d\d-.+\.ipynb$/;

export function readNotebook(file: string): nbformat.INotebookContent {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as nbformat.INotebookContent;
  } catch (err) {
    throw new Error(`${file}: not a readable notebook (${(err as Error).message}); re-run \`npm run notebooks\` or fix the file`);
  }
}

function readReport(dir: string): RunRecord[] {
  const file = path.join(dir, "report.json");
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as { notebooks?: RunRecord[] };
  return report.notebooks ?? [];
}

function markdownSources(notebook: nbformat.INotebookContent): string[] {
  return notebook.cells.filter((c) => c.cell_type === "markdown").map((c) => joinSource(c.source));
}

/** Plain text of the notebook's first level-1 heading (markup removed), else `fallback`. */
export function notebookTitle(notebook: nbformat.INotebookContent, md: MarkdownIt, fallback: string): string {
  for (const source of markdownSources(notebook)) {
    const tokens = md.parse(source, {});
    const h1 = tokens.findIndex((t) => t.type === "heading_open" && t.tag === "h1");
    if (h1 >= 0) {
      const text = (tokens[h1 + 1].children ?? []).filter((t) => t.type === "text" || t.type === "code_inline").map((t) => t.content);
      return text.join("").trim() || fallback;
    }
  }
  return fallback;
}

/** Items of the first list under a heading "Learning goals" or "Goals", rendered as inline HTML. */
export function notebookGoals(notebook: nbformat.INotebookContent, md: MarkdownIt): string[] {
  for (const source of markdownSources(notebook)) {
    const tokens = md.parse(source, {});
    let underGoals = false;
    let listLevel = -1; // nesting level of the goals list; nested sub-items are not goals of their own
    const goals: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token.type === "heading_open") {
        if (goals.length) return goals;
        underGoals = /^(learning\s+)?goals:?$/i.test(tokens[i + 1].content.trim());
      } else if (underGoals && listLevel < 0 && /^(bullet|ordered)_list_open$/.test(token.type)) {
        listLevel = token.level;
      } else if (underGoals && token.type === "list_item_open" && token.level === listLevel + 1) {
        const inline = tokens.slice(i).find((t) => t.type === "inline");
        if (inline) goals.push(md.renderInline(inline.content));
      } else if (underGoals && /^(bullet|ordered)_list_close$/.test(token.type) && token.level === listLevel) {
        return goals;
      }
    }
    if (goals.length) return goals;
  }
  return [];
}

function estimatedMinutes(notebook: nbformat.INotebookContent): number | undefined {
  const course = notebook.metadata?.course as { estimated_minutes?: unknown } | undefined;
  return typeof course?.estimated_minutes === "number" ? course.estimated_minutes : undefined;
}

/** Executed notebooks from `executedDir`, falling back to sources in `sourceDir` for any not executed. */
export function loadCourse(executedDir: string, sourceDir: string, md: MarkdownIt): Chapter[] {
  const names = new Set<string>();
  for (const dir of [executedDir, sourceDir]) {
    if (fs.existsSync(dir)) for (const name of fs.readdirSync(dir)) if (NOTEBOOK_NAME.test(name)) names.add(name);
  }
  const runs = readReport(executedDir);
  return [...names].sort().map((name) => {
    const executedFile = path.join(executedDir, name);
    const executed = fs.existsSync(executedFile);
    const file = executed ? executedFile : path.join(sourceDir, name);
    const notebook = readNotebook(file);
    const slug = name.replace(/\.ipynb$/, "");
    return {
      slug,
      file,
      notebook,
      executed,
      run: executed ? runs.find((r) => path.basename(r.path) === name) : undefined,
      title: notebookTitle(notebook, md, slug),
      goals: notebookGoals(notebook, md),
      minutes: estimatedMinutes(notebook),
    };
  });
}
