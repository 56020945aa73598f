// Copies of course notebooks with a profile's parameters injected, for running a profile (e.g. "quick")
// in a Jupyter UI without touching the sources. The folder must sit one level below the repository root,
// like notebooks/, because cells import the helpers as `../dist/x`.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { entryFor, loadConfig, profileOf } from "./config";
import { readNotebook, writeNotebook } from "./notebook";
import { injectParameters } from "./parameters";

/**
 * Writes `notebook` into `outDir` under its own name, with the cell tagged `injected-parameters` that the
 * runner would insert for `profileName`, read from `configFile` now (the config may change between calls).
 * Returns the path of the copy.
 */
export function writeProfileCopy(notebook: string, outDir: string, profileName: string, configFile: string): string {
  const profile = profileOf(loadConfig(configFile), profileName, configFile);
  const content = readNotebook(notebook);
  try {
    injectParameters(content, entryFor(profile.parameters, notebook) ?? {}, `profile "${profileName}"`);
  } catch (error) {
    throw new Error(`${path.basename(notebook)}: ${(error as Error).message}`);
  }
  const copy = path.join(outDir, path.basename(notebook));
  mkdirSync(outDir, { recursive: true });
  writeNotebook(copy, content);
  return copy;
}
