// Reading and writing .ipynb files as nbformat 4.5 (cell ids, line-split sources, atomic writes).
import type { ICell, INotebookContent, IOutput, MultilineString } from "@jupyterlab/nbformat";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export const KERNELSPEC = { name: "tslab", display_name: "TypeScript", language: "typescript" };

export function text(source: MultilineString | undefined): string {
  return Array.isArray(source) ? source.join("") : source ?? "";
}

/** Splits text into lines that keep their newlines, as Jupyter stores sources. */
function lines(source: string): string[] {
  return source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function readNotebook(file: string): INotebookContent {
  let notebook: INotebookContent;
  try {
    notebook = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: not a readable notebook (${(error as Error).message}); fix or re-save it in JupyterLab`);
  }
  if (notebook.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new Error(`${file}: not an nbformat 4 notebook; re-save it in JupyterLab`);
  }
  return notebook;
}

export function tags(cell: ICell): string[] {
  return (cell.metadata?.tags as string[] | undefined) ?? [];
}

/** Writes `notebook` as nbformat 4.5: every cell gets an id, sources and stream texts are line lists. */
export function writeNotebook(file: string, notebook: INotebookContent): void {
  const cells = notebook.cells.map((cell) => {
    const out: ICell = { ...cell, id: cell.id ?? randomUUID().slice(0, 8), source: lines(text(cell.source)) };
    if (cell.cell_type === "code") {
      out.outputs = (cell.outputs as IOutput[]).map((o) => (o.output_type === "stream" ? { ...o, text: lines(text(o.text as MultilineString)) } : o));
    }
    return out;
  });
  const content = { ...notebook, nbformat: 4, nbformat_minor: 5, cells };
  writeAtomic(file, JSON.stringify(content, null, 1) + "\n");
}

export function writeAtomic(file: string, data: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
