// `npm run site -- [--in build/notebooks] [--out site] [--notebooks notebooks] [--models models/digit-cnn]`
// Renders the executed course notebooks into a static site that works from file:// and when served.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { buildSite } from "./site/build";

const ROOT = path.resolve(__dirname, "..");

function main(): void {
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
  });
  const seconds = (performance.now() - started) / 1000;
  const executed = summary.chapters.filter((c) => c.executed).length;
  const index = path.resolve(ROOT, values.out!, "index.html");
  console.log(`site: rendered ${summary.chapters.length} notebooks (${executed} executed) into ${summary.pages.length} pages in ${seconds.toFixed(2)} s`);
  if (!summary.hasModel) console.log(`site: no trained model in ${values.models}; the demo page says to run notebook 04-training-a-cnn`);
  console.log(`site: open file://${index}  or  npm run serve`);
}

try {
  main();
} catch (err) {
  if (process.env.DEBUG === "1") throw err;
  console.error(`site: ${(err as Error).message}`);
  process.exit(1);
}
