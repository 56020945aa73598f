// Notebook cells → HTML, honouring the cell tags hide-input, hide-output, remove-cell, remove-input, remove-output,
// and solution (an exercise's answer: code and output folded together behind "Show solution").
import type * as nbformat from "@jupyterlab/nbformat";
import type MarkdownIt from "markdown-it";
import { escapeHtml, joinSource } from "./html";
import { highlight } from "./highlight";
import { renderOutput, type OutputEnv } from "./outputs";
import type { RunRecord } from "./course";

function tagsOf(cell: nbformat.ICell): Set<string> {
  const tags = cell.metadata?.tags;
  return new Set(Array.isArray(tags) ? (tags as string[]) : []);
}

/** Markdown may refer to images attached to the cell as `attachment:name`. */
function inlineAttachments(source: string, cell: nbformat.ICell): string {
  const attachments = (cell as nbformat.IMarkdownCell).attachments;
  if (!attachments) return source;
  return source.replace(/attachment:([^\s)"']+)/g, (whole, name: string) => {
    const bundle = attachments[decodeURIComponent(name)];
    const mime = bundle && Object.keys(bundle)[0];
    return mime ? `data:${mime};base64,${bundle[mime]}` : whole;
  });
}

/** A cell failed when report.json says so (tslab sends no error outputs) or it holds an error output. */
function cellFailed(cell: nbformat.ICodeCell, index: number, run?: RunRecord): boolean {
  const status = run?.cells?.find((c) => c.index === index)?.status;
  return status === "error" || status === "timeout" || cell.outputs.some((o) => o.output_type === "error");
}

function collapsible(summary: string, body: string): string {
  return `<details class="collapsed"><summary>${summary}</summary>${body}</details>`;
}

function codeCell(cell: nbformat.ICodeCell, index: number, md: MarkdownIt, env: OutputEnv, run?: RunRecord): string {
  const tags = tagsOf(cell);
  const count = cell.execution_count ?? " ";
  const failed = cellFailed(cell, index, run);
  let input = "";
  if (!tags.has("remove-input")) {
    input =
      `<div class="input"><span class="prompt">[${count}]</span>` +
      `<pre><code class="hljs language-typescript">${highlight(joinSource(cell.source))}</code></pre>` +
      `<button type="button" class="copy" aria-label="Copy code">Copy</button></div>`;
    if (tags.has("hide-input")) input = collapsible("Show code", input);
  }
  let outputs = "";
  if (!tags.has("remove-output") && cell.outputs.length) {
    outputs = `<div class="outputs">${cell.outputs.map((o) => renderOutput(o, md, env, failed)).join("\n")}</div>`;
    if (tags.has("hide-output")) outputs = collapsible("Show output", outputs);
  }
  const note = failed ? `<p class="cell-status">This cell failed when the notebook was executed.</p>` : "";
  const body = tags.has("solution") ? collapsible("Show solution", input + note + outputs) : input + note + outputs;
  const tagList = tags.size ? ` data-tags="${escapeHtml([...tags].join(" "))}"` : "";
  return `<section class="cell code${failed ? " failed" : ""}${tags.has("solution") ? " solution" : ""}" data-cell="${index}"${tagList}>${body}</section>`;
}

export function renderCells(notebook: nbformat.INotebookContent, md: MarkdownIt, env: OutputEnv, run?: RunRecord): string {
  return notebook.cells
    .map((cell, index) => {
      if (tagsOf(cell).has("remove-cell")) return "";
      switch (cell.cell_type) {
        case "markdown":
          return `<section class="cell markdown">${md.render(inlineAttachments(joinSource(cell.source), cell), env)}</section>`;
        case "code":
          return codeCell(cell as nbformat.ICodeCell, index, md, env, run);
        default:
          return ""; // raw cells are for other converters, as in nbconvert's HTML export
      }
    })
    .join("\n");
}
