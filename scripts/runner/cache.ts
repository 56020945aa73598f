// The cache key of an executed notebook: its source, the compiled helpers it imports (followed through
// their requires), the lockfile, the dataset cache, the parameters, and the keys of notebooks it needs.
// Hashing only the source goes stale when data or libraries change (MyST-NB #299, jupyter-book #1633).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { INotebookContent } from "@jupyterlab/nbformat";
import type { NotebookResult } from "./execute";
import { text, writeAtomic } from "./notebook";

export interface KeyInputs {
  notebookFile: string;
  notebook: INotebookContent;
  root: string;
  params: unknown;
  profile: string;
  needKeys: string[];
}

/** Local modules a notebook imports, e.g. `from "../dist/report"`, resolved from its folder. */
function importedFiles(notebookFile: string, notebook: INotebookContent): string[] {
  const code = notebook.cells.filter((c) => c.cell_type === "code").map((c) => text(c.source)).join("\n");
  const specs = [...code.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  return specs.map((spec) => path.resolve(path.dirname(notebookFile), spec));
}

function resolveModule(base: string): string | undefined {
  return [base, `${base}.js`, `${base}.ts`, path.join(base, "index.js")].find((f) => existsSync(f) && statSync(f).isFile());
}

/** Hashes each module and, transitively, the relative modules it requires (plus its .d.ts). */
function hashModules(hash: ReturnType<typeof createHash>, entries: string[]): void {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = resolveModule(queue.pop()!);
    if (!file || seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    hash.update(file).update(source);
    const types = file.replace(/\.js$/, ".d.ts");
    if (types !== file && existsSync(types)) hash.update(readFileSync(types));
    for (const m of source.matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) queue.push(path.resolve(path.dirname(file), m[1]));
  }
}

/**
 * Dataset cache: a folder with a manifest.json counts by the manifest's file checksums (so re-fetching
 * the same bytes keeps the key); other files count by path, size and mtime.
 */
function hashData(hash: ReturnType<typeof createHash>, dir: string): void {
  if (!existsSync(dir)) return;
  const manifest = path.join(dir, "manifest.json");
  if (existsSync(manifest)) {
    const content = JSON.parse(readFileSync(manifest, "utf8"));
    hash.update(manifest).update(JSON.stringify(content.files ?? content));
    return;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) hashData(hash, file);
    else if (entry.isFile()) {
      const { size, mtimeMs } = statSync(file);
      hash.update(`${file}:${size}:${mtimeMs}`);
    }
  }
}

export function cacheKey(inputs: KeyInputs): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(inputs.notebookFile));
  hashModules(hash, importedFiles(inputs.notebookFile, inputs.notebook));
  const lock = path.join(inputs.root, "package-lock.json");
  if (existsSync(lock)) hash.update(readFileSync(lock));
  hashData(hash, path.join(inputs.root, "data"));
  hash.update(JSON.stringify({ profile: inputs.profile, params: inputs.params, needs: inputs.needKeys }));
  return hash.digest("hex");
}

interface Entry {
  key: string;
  result: NotebookResult;
}

const entryFile = (outDir: string, name: string) => path.join(outDir, ".cache", `${name}.json`);

/** The stored result when `key` matches and the executed notebook is still there. */
export function lookup(outDir: string, name: string, key: string, executed: string): NotebookResult | undefined {
  const file = entryFile(outDir, name);
  if (!existsSync(file) || !existsSync(executed)) return undefined;
  const entry: Entry = JSON.parse(readFileSync(file, "utf8"));
  return entry.key === key ? entry.result : undefined;
}

export function store(outDir: string, name: string, key: string, result: NotebookResult): void {
  writeAtomic(entryFile(outDir, name), JSON.stringify({ key, result } satisfies Entry));
}
