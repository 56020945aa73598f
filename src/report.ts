// report({...}): a notebook publishes its named results for the notebook runner's regression checks.
//
// It displays one output whose bundle holds:
// - "application/vnd.course.metrics+json": the metrics as a flat JSON object, e.g.
//   { "test_accuracy": 0.991, "dataset": "mnist" }. The runner reads it from the executed notebook and
//   checks each number against the ranges in notebooks/course.config.json for the profile and `dataset`.
//   JupyterLab has no renderer for it and falls back to the next type; the site renderer may hide it.
// - "text/markdown": a small table of the same values, for people;
// - "text/plain": the same as `name: value` lines.
// Outside a kernel it prints the plain text, so it is harmless in scripts and tests.
import { display } from "./display";

export const METRICS_MIME = "application/vnd.course.metrics+json";

export type Metrics = Record<string, number | string | boolean>;

const format = (value: Metrics[string]) => (typeof value === "number" && !Number.isInteger(value) ? value.toPrecision(4) : String(value));

export function report(metrics: Metrics): void {
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`report(): ${name} is ${value}; metrics must be finite numbers`);
  }
  const rows = Object.entries(metrics).map(([name, value]) => `| ${name} | ${format(value)} |`);
  const markdown = ["| metric | value |", "|---|---|", ...rows].join("\n");
  const plain = Object.entries(metrics).map(([name, value]) => `${name}: ${format(value)}`).join("\n");
  if (!display({ [METRICS_MIME]: metrics, "text/markdown": markdown, "text/plain": plain })) console.log(plain);
}
