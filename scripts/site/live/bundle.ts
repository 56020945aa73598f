// Builds the live page's JavaScript with esbuild: the cell runtime and page controls (page.ts), the course's
// helpers from src/ (what a notebook imports as ../dist/x; the browser twins chosen through package.json's "browser" field), tfjs, and the page's
// node:fs / node:zlib / node:os / node:path (node/). Which modules a cell may import is read from the notebooks'
// own import lines, so a new helper a notebook starts to use is in the page without editing this file.
import * as fs from "node:fs";
import * as path from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const NODE_SHIMS = ["fs", "zlib", "os", "path"];

/** Notebooks that do not run in a page, by their "NN" prefix, and why (their pages say so; their imports are not bundled). */
export const NOT_LIVE: Record<string, string> = {
  "00": "it checks the Node.js and Jupyter installation on your machine, which a page does not have",
};

/** The module specifiers one notebook's code cells import, e.g. "@tensorflow/tfjs", "../dist/plots", "node:fs". */
export function importsOf(notebook: { cells: { cell_type: string; source: string | string[] }[] }): string[] {
  const found = new Set<string>();
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    for (const m of source.matchAll(/^\s*import\s[^;]*?\sfrom\s+["']([^"']+)["']/gm)) found.add(m[1]);
  }
  return [...found].sort();
}

/** Every module specifier the live notebooks import. */
export function notebookImports(notebooksDir: string): string[] {
  const found = new Set<string>();
  for (const file of fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb") && !(f.slice(0, 2) in NOT_LIVE))) {
    for (const specifier of importsOf(JSON.parse(fs.readFileSync(path.join(notebooksDir, file), "utf8")))) found.add(specifier);
  }
  return [...found].sort();
}

// package.json's "browser" field: esbuild applies it to imports between the course's modules, not to the
// absolute paths of the generated entry, so the entry applies it itself.
const BROWSER_TWINS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { browser?: Record<string, string> }).browser ?? {};

/** Where the bundle takes a specifier from; undefined for one the page does not offer (tslab: the kernel itself). */
function target(specifier: string): string | undefined {
  if (specifier.startsWith("../dist/")) {
    // src/, not dist/: the page's node: modules and src/ then share one copy of src/platform.browser.ts.
    const file = `./src/${specifier.slice("../dist/".length)}.ts`;
    return path.join(ROOT, BROWSER_TWINS[file] ?? file);
  }
  const builtin = specifier.replace(/^node:/, "");
  if (NODE_SHIMS.includes(builtin)) return path.join(__dirname, "node", `${builtin}.ts`);
  if (specifier.startsWith("@tensorflow/")) return specifier;
  return undefined;
}

/** Sends node:fs, fs, node:zlib … (from src/ and from cells) to the page's implementations in node/. */
const nodeShims: Plugin = {
  name: "course-node-shims",
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(node:)?(${NODE_SHIMS.join("|")})$`) }, (args) => ({ path: path.join(__dirname, "node", `${args.path.replace(/^node:/, "")}.ts`) }));
  },
};

export interface LiveBundle {
  file: string;
  bytes: number;
  seconds: number;
  modules: string[];
}

/** Bundles the live page script into `outFile`, minified; returns its size, build time and the modules offered. */
export async function buildLiveBundle(notebooksDir: string, outFile: string): Promise<LiveBundle> {
  const started = performance.now();
  const offered = notebookImports(notebooksDir).filter((s) => target(s) !== undefined);
  const entry = [
    `import { startLivePage } from ${JSON.stringify(path.join(__dirname, "page.ts"))};`,
    ...offered.map((s, i) => `import * as m${i} from ${JSON.stringify(target(s))};`),
    `startLivePage({ ${offered.map((s, i) => `${JSON.stringify(s)}: m${i}`).join(", ")} });`,
  ].join("\n");
  const temp = `${outFile}.${process.pid}.tmp.js`;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  try {
    await build({
      stdin: { contents: entry, resolveDir: __dirname, sourcefile: "live-entry.js", loader: "js" },
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2022",
      minify: true,
      legalComments: "none",
      outfile: temp,
      plugins: [nodeShims],
      define: { "process.pid": "0", "process.env.NODE_ENV": '"production"' },
      nodePaths: [path.join(ROOT, "node_modules")],
      logLevel: "error",
    });
    fs.renameSync(temp, outFile);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return { file: outFile, bytes: fs.statSync(outFile).size, seconds: (performance.now() - started) / 1000, modules: offered };
}
