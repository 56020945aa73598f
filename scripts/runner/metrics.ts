// Regression checks: read the metrics a notebook reported (src/report.ts) and compare them with the
// configured ranges for the profile and the dataset it reports.
import type { INotebookContent } from "@jupyterlab/nbformat";
import { METRICS_MIME, type Metrics } from "../../src/report";
import type { MetricRanges, Range } from "./config";

/** All report() bundles of the executed notebook, later values winning. */
export function readMetrics(notebook: INotebookContent): Metrics {
  const metrics: Metrics = {};
  for (const cell of notebook.cells) {
    for (const output of (cell.outputs as { data?: Record<string, unknown> }[] | undefined) ?? []) {
      const reported = output.data?.[METRICS_MIME];
      if (reported && typeof reported === "object") Object.assign(metrics, reported);
    }
  }
  return metrics;
}

export interface MetricCheck {
  metric: string;
  value: Metrics[string] | undefined;
  range: Range;
  ok: boolean;
}

/** Checks every configured metric for the reported dataset (or "*"); a missing metric fails. */
export function checkMetrics(metrics: Metrics, ranges: MetricRanges | undefined): MetricCheck[] {
  const dataset = String(metrics.dataset ?? "*");
  const expected = { ...ranges?.["*"], ...ranges?.[dataset] };
  return Object.entries(expected).map(([metric, range]) => {
    const value = metrics[metric];
    const ok = typeof value === "number" && value >= (range.min ?? -Infinity) && value <= (range.max ?? Infinity);
    return { metric, value, range, ok };
  });
}

/** A plain-text table of the checks, failures marked. */
export function formatChecks(checks: MetricCheck[]): string {
  const rows = checks.map((c) => [
    c.ok ? "ok" : "FAIL",
    c.metric,
    c.value === undefined ? "(missing)" : String(c.value),
    `${c.range.min ?? "-inf"} .. ${c.range.max ?? "inf"}`,
  ]);
  const all = [["", "metric", "value", "expected"], ...rows];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => "  " + r.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
