// What the site build adds for live cells: each notebook page's #live-config, and the files the live page needs
// next to the pages: its bundle, tfjs's wasm binaries, the course's own wasm kernels, and the datasets.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chapter } from "../course";
import { scriptJson } from "../html";
import { entryFor, loadConfig } from "../../runner/config";
import { buildLiveBundle, importsOf, NOT_LIVE, type LiveBundle } from "./bundle";
import { DATASET_NAMES, IDX_FILES, datasetStatus, cachedFilePath } from "../../../src/datasets";
import { COURSE_WASM_DIR } from "../../../src/platform";
import { CORPORA, CORPUS_NAMES, corpusDir, corpusStatus } from "../../../src/text-corpus";
import type { LiveConfig } from "./page";

const ROOT = path.resolve(__dirname, "..", "..", "..");
export const LIVE_SCRIPT = "assets/live/course-live.js";

/** The page's #live-config element for one notebook. */
export function liveConfig(chapter: Chapter, configFile: string): string {
  const key = chapter.slug.slice(0, 2);
  const quick = entryFor(loadConfig(configFile).profiles.quick?.parameters, `${chapter.slug}.ipynb`) ?? {};
  const parametersCell = chapter.notebook.cells.findIndex((c) => c.cell_type === "code" && ((c.metadata?.tags as string[] | undefined) ?? []).includes("parameters"));
  const config: LiveConfig = {
    notebook: key,
    quick,
    parametersCell: parametersCell < 0 ? null : parametersCell,
    imports: importsOf(chapter.notebook as Parameters<typeof importsOf>[0]),
    live: !(key in NOT_LIVE),
    ...(key in NOT_LIVE ? { reason: NOT_LIVE[key] } : {}),
  };
  return `<script type="application/json" id="live-config">${scriptJson(config)}</script>`;
}

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

export interface LiveAssets extends LiveBundle {
  datasets: string[];
  missingDatasets: string[];
}

/** Bundles the live page and copies its binaries and the datasets that are in the cache into `outDir`. */
export async function buildLiveAssets(outDir: string, notebooksDir: string): Promise<LiveAssets> {
  const bundle = await buildLiveBundle(notebooksDir, path.join(outDir, LIVE_SCRIPT));
  const wasmDist = path.join(ROOT, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  for (const file of fs.readdirSync(wasmDist).filter((f) => f.endsWith(".wasm"))) copy(path.join(wasmDist, file), path.join(outDir, "assets", "vendor", "tfjs-wasm", file));
  for (const file of fs.readdirSync(COURSE_WASM_DIR).filter((f) => f.endsWith(".wasm"))) copy(path.join(COURSE_WASM_DIR, file), path.join(outDir, "assets", "wasm", file));
  const datasets: string[] = [];
  const missingDatasets: string[] = [];
  for (const name of DATASET_NAMES) {
    if (!datasetStatus(name).ready) {
      missingDatasets.push(name);
      continue;
    }
    for (const file of [...Object.values(IDX_FILES), "manifest.json"]) copy(cachedFilePath(name, file), path.join(outDir, "data", name, file));
    datasets.push(name);
  }
  for (const name of CORPUS_NAMES) {
    if (!corpusStatus(name).ready) {
      missingDatasets.push(`text corpus ${name}`);
      continue;
    }
    for (const file of [...Object.keys(CORPORA[name].files), "manifest.json"]) copy(path.join(corpusDir(name), file), path.join(outDir, "data", "text", name, file));
    datasets.push(`text corpus ${name}`);
  }
  return { ...bundle, datasets, missingDatasets };
}
