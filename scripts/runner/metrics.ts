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

// A key is a metric name, or a comparison of two: "a - b" (a margin: `{ "min": 0.03 }` says a beats b by
// at least 3 points) or "a / b" (a ratio). That is how the config guards the orderings the prose relies on.
const COMPARISON = /^(\w+)\s*([-/])\s*(\w+)$/;

function valueOf(key: string, metrics: Metrics): Metrics[string] | undefined {
  const comparison = COMPARISON.exec(key);
  if (!comparison) return metrics[key];
  const [, a, op, b] = comparison;
  const [x, y] = [metrics[a], metrics[b]];
  if (typeof x !== "number" || typeof y !== "number") return undefined;
  return op === "-" ? x - y : x / y;
}

/** Checks every configured metric or comparison for the reported dataset (or "*"); a missing metric fails. */
export function checkMetrics(metrics: Metrics, ranges: MetricRanges | undefined): MetricCheck[] {
  const dataset = String(metrics.dataset ?? "*");
  const expected = { ...ranges?.["*"], ...ranges?.[dataset] };
  return Object.entries(expected).map(([metric, range]) => {
    const value = valueOf(metric, metrics);
    const ok = typeof value === "number" && value >= (range.min ?? -Infinity) && value <= (range.max ?? Infinity);
    return { metric, value, range, ok };
  });
}

/** A plain-text table of the checks, failures marked. */
export function formatChecks(checks: MetricCheck[]): string {
  const rows = checks.map((c) => [
    c.ok ? "ok" : "FAIL",
    c.metric,
    c.value === undefined ? "(missing)" : typeof c.value === "number" ? String(Number(c.value.toPrecision(6))) : String(c.value),
    `${c.range.min ?? "-inf"} .. ${c.range.max ?? "inf"}`,
  ]);
  const all = [["", "metric", "value", "expected"], ...rows];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => "  " + r.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
