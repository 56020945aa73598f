// Papermill's parameters convention for TypeScript: after the cell tagged `parameters`, insert a cell
// tagged `injected-parameters` that re-declares the chosen values. tslab lets a later cell re-declare a
// `const`, and later cells see the new value; the original cell stays untouched as the documented default.
import type { ICodeCell, INotebookContent } from "@jupyterlab/nbformat";
import { tags, text } from "./notebook";

export type Parameters = Record<string, unknown>;

export function injectParameters(notebook: INotebookContent, params: Parameters, label: string): void {
  notebook.cells = notebook.cells.filter((cell) => !tags(cell).includes("injected-parameters"));
  const names = Object.keys(params);
  if (names.length === 0) return;
  const at = notebook.cells.findIndex((cell) => cell.cell_type === "code" && tags(cell).includes("parameters"));
  if (at < 0) throw new Error(`no code cell is tagged "parameters", but ${label} sets ${names.join(", ")}; tag the cell or drop them from the config`);
  const declared = text(notebook.cells[at].source);
  const unknown = names.filter((name) => !new RegExp(`\\b(const|let|var)\\s+${name}\\b`).test(declared));
  if (unknown.length) throw new Error(`${label} sets ${unknown.join(", ")}, which the parameters cell does not declare`);
  const cell: ICodeCell = {
    cell_type: "code",
    execution_count: null,
    metadata: { tags: ["injected-parameters"] },
    outputs: [],
    source: [`// Injected by the notebook runner: ${label}\n`, ...names.map((name) => `const ${name} = ${JSON.stringify(params[name])};\n`)],
  };
  notebook.cells.splice(at + 1, 0, cell);
}
