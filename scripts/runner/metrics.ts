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

// A key is a metric name, or a comparison: "a - b" (a margin: `{ "min": 0.03 }` says a beats b by at least
// 3 points), "a / b" (a ratio), or a sum of several with + and - (for a margin between margins, e.g.
// "ft_10 - scratch_10 - ft_1000 + scratch_1000": fine-tuning's lead shrinks with more labels). That is how
// the config guards the orderings the prose relies on.
const RATIO = /^(\w+)\s*\/\s*(\w+)$/;
const SUM = /^\w+(\s*[-+]\s*\w+)+$/;

function valueOf(key: string, metrics: Metrics): Metrics[string] | undefined {
  const num = (name: string) => (typeof metrics[name] === "number" ? (metrics[name] as number) : undefined);
  const ratio = RATIO.exec(key);
  if (ratio) {
    const [x, y] = [num(ratio[1]), num(ratio[2])];
    return x === undefined || y === undefined ? undefined : x / y;
  }
  if (!SUM.test(key)) return metrics[key];
  let total = 0;
  for (const [, sign, name] of key.matchAll(/([-+]?)\s*(\w+)/g)) {
    const v = num(name);
    if (v === undefined) return undefined;
    total += sign === "-" ? -v : v;
  }
  return total;
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
