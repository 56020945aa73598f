// Turns iopub messages into nbformat outputs the way nbclient does: merged streams with `\r` frames
// collapsed, display updates applied by display_id across cells, and clear_output(wait) honoured.
import type { ICodeCell, IDisplayData, IMimeBundle, IOutput, IStream, OutputMetadata } from "@jupyterlab/nbformat";
import type { Message } from "./wire";

interface DisplayContent {
  data: IMimeBundle;
  metadata?: OutputMetadata;
  transient?: { display_id?: string };
}

/** Keeps only the last frame of every `\r`-rewritten line and applies backspaces. */
export function collapseCarriageReturns(text: string): string {
  let out = text.replace(/[^\n]*\r(?=[^\n])/g, "");
  let previous;
  do {
    previous = out;
    out = out.replace(/[^\n\x08]\x08/g, "");
  } while (out !== previous);
  return out;
}

export class OutputCollector {
  private readonly displays = new Map<string, IDisplayData[]>();
  private cell: ICodeCell | undefined;
  private clearOnNext = false;

  /** Directs the following messages to `cell`, whose outputs start empty. */
  begin(cell: ICodeCell): void {
    cell.outputs = [];
    this.cell = cell;
    this.clearOnNext = false;
  }

  /** The text the current cell wrote to stderr (where tslab reports errors). */
  stderr(): string {
    return (this.cell?.outputs ?? [])
      .filter((o): o is IStream => o.output_type === "stream" && o.name === "stderr")
      .map((o) => String(o.text))
      .join("");
  }

  add(msg: Message): void {
    const type = msg.header.msg_type;
    const content = msg.content as Record<string, unknown>;
    if (type === "clear_output") {
      if (content.wait) this.clearOnNext = true;
      else this.cell!.outputs = [];
      return;
    }
    if (type === "update_display_data") {
      const { data, metadata = {}, transient } = content as unknown as DisplayContent;
      for (const output of this.displays.get(transient?.display_id ?? "") ?? []) {
        output.data = data;
        output.metadata = metadata;
      }
      return;
    }
    const output = toOutput(type, content);
    if (!output) return;
    if (this.clearOnNext) {
      this.cell!.outputs = [];
      this.clearOnNext = false;
    }
    const outputs = this.cell!.outputs;
    const last = outputs[outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = collapseCarriageReturns(String(last.text) + String(output.text));
      return;
    }
    if (output.output_type === "stream") output.text = collapseCarriageReturns(String(output.text));
    outputs.push(output);
    const displayId = (content as unknown as DisplayContent).transient?.display_id;
    if (displayId && output.output_type === "display_data") {
      this.displays.set(displayId, [...(this.displays.get(displayId) ?? []), output as IDisplayData]);
    }
  }
}

function toOutput(type: string, content: Record<string, unknown>): IOutput | undefined {
  switch (type) {
    case "stream":
      return { output_type: "stream", name: content.name as string, text: content.text as string };
    case "display_data":
      return { output_type: "display_data", data: content.data as IMimeBundle, metadata: (content.metadata ?? {}) as OutputMetadata };
    case "execute_result":
      return {
        output_type: "execute_result",
        execution_count: content.execution_count as number,
        data: content.data as IMimeBundle,
        metadata: (content.metadata ?? {}) as OutputMetadata,
      };
    case "error":
      return { output_type: "error", ename: content.ename as string, evalue: content.evalue as string, traceback: content.traceback as string[] };
    default:
      return undefined;
  }
}
