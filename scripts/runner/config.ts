// The course config (notebooks/course.config.json): profiles with parameters and metric ranges, timeouts,
// and which notebook needs another's artefacts. A key matches a notebook by its name or its "NN" prefix.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Parameters } from "./parameters";

export interface Range {
  min?: number;
  max?: number;
}

/** Metric ranges keyed by dataset name ("*" = any dataset), then metric name. */
export type MetricRanges = Record<string, Record<string, Range>>;

export interface Profile {
  description?: string;
  cellTimeoutSeconds?: number;
  notebookTimeoutSeconds?: number;
  parameters?: Record<string, Parameters>;
  metrics?: Record<string, MetricRanges>;
}

export interface CourseConfig {
  cellTimeoutSeconds: number;
  notebookTimeoutSeconds: number;
  profiles: Record<string, Profile>;
  /** notebook key → notebook keys whose artefacts it needs (they run first). */
  needs?: Record<string, string[]>;
}

export function loadConfig(file: string): CourseConfig {
  if (!existsSync(file)) throw new Error(`${file} is missing; it defines the profiles (see README, "Running the notebooks")`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: invalid JSON (${(error as Error).message})`);
  }
}

export function matches(key: string, notebookPath: string): boolean {
  const name = path.basename(notebookPath, ".ipynb");
  return name === key || name.startsWith(key + "-");
}

/** The entry of `table` whose key matches the notebook, if any. */
export function entryFor<T>(table: Record<string, T> | undefined, notebookPath: string): T | undefined {
  const key = Object.keys(table ?? {}).find((k) => matches(k, notebookPath));
  return key === undefined ? undefined : table![key];
}

export function profileOf(config: CourseConfig, name: string, file: string): Profile {
  const profile = config.profiles[name];
  if (!profile) throw new Error(`profile "${name}" is not in ${file}; choose one of: ${Object.keys(config.profiles).join(", ")}`);
  return profile;
}
