// The fixture course for the site tests: executed notebooks covering every output kind, plus one source-only notebook.
import * as path from "node:path";
import { buildSite, type SiteSummary } from "../scripts/site/build";

export const FIXTURES = path.join(__dirname, "fixtures/site");

export function buildFixtureSite(outDir: string, modelDir: string): SiteSummary {
  return buildSite({
    executedDir: path.join(FIXTURES, "build/notebooks"),
    sourceDir: path.join(FIXTURES, "notebooks"),
    modelDir,
    outDir,
  });
}
