// `npm run site -- [--in build/notebooks] [--out site] [--notebooks notebooks] [--models models/digit-cnn]`
// Renders the executed course notebooks into a static site that works from file:// and when served.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { buildSite } from "./site/build";
import { buildLiveAssets } from "./site/live/site";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      in: { type: "string", default: "build/notebooks" },
      out: { type: "string", default: "site" },
      notebooks: { type: "string", default: "notebooks" },
      models: { type: "string", default: "models/digit-cnn" },
    },
  });
  const started = performance.now();
  const summary = buildSite({
    executedDir: path.resolve(ROOT, values.in!),
    sourceDir: path.resolve(ROOT, values.notebooks!),
    modelDir: path.resolve(ROOT, values.models!),
    outDir: path.resolve(ROOT, values.out!),
    live: { configFile: path.resolve(ROOT, values.notebooks!, "course.config.json") },
  });
  const live = await buildLiveAssets(path.resolve(ROOT, values.out!), path.resolve(ROOT, values.notebooks!));
  const seconds = (performance.now() - started) / 1000;
  const executed = summary.chapters.filter((c) => c.executed).length;
  const index = path.resolve(ROOT, values.out!, "index.html");
  console.log(`site: rendered ${summary.chapters.length} notebooks (${executed} executed) into ${summary.pages.length} pages in ${seconds.toFixed(2)} s`);
  console.log(`site: live cells: ${path.relative(ROOT, live.file)} ${(live.bytes / 1e6).toFixed(2)} MB, bundled in ${live.seconds.toFixed(1)} s; data for ${live.datasets.join(", ") || "no dataset"}` +
    (live.missingDatasets.length ? ` (not in the cache, so not on the site: ${live.missingDatasets.join(", ")}; run \`npm run data\`)` : ""));
  if (!summary.hasModel) console.log(`site: no trained model in ${values.models}; the demo page says to run notebook 04-training-a-cnn`);
  console.log(`site: open file://${index}  or  npm run serve`);
}

main().catch((err) => {
  if (process.env.DEBUG === "1") console.error(err);
  console.error(`site: ${(err as Error).message}`);
  process.exit(1);
});
