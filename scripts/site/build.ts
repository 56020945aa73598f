// Builds the static course site: one page per notebook, the home page, the demo page, assets.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadCourse, type Chapter } from "./course";
import { createMarkdown, newPageEnv } from "./markdown";
import { renderCells } from "./cells";
import type { OutputEnv } from "./outputs";
import { renderPage, type OutlineEntry, type PageSpec } from "./layout";
import { renderHome } from "./home";
import { copyModel, demoScripts, readModelFacts, renderDemo, MODEL_SITE_DIR, TRAINING_NOTEBOOK } from "./demo";
import { copyAssets } from "./assets";
import { liveConfig, LIVE_SCRIPT } from "./live/site";

export interface SiteOptions {
  executedDir: string; // build/notebooks
  sourceDir: string; // notebooks/, for notebooks not executed yet
  modelDir: string; // models/digit-cnn
  outDir: string; // site/
  courseTitle?: string;
  /** Notebook pages get live cells (scripts/site/live/); `buildLiveAssets` must then be run on outDir too. */
  live?: { configFile: string };
}

export interface SiteSummary {
  pages: string[]; // written files, relative to outDir
  chapters: Chapter[];
  hasModel: boolean;
}

const DEMO_PAGE = "demo.html";

function writeAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** Remove what an earlier build wrote that this build may not write again (vendor copies are kept). */
function clearOldPages(outDir: string): void {
  if (!fs.existsSync(outDir)) return;
  for (const name of fs.readdirSync(outDir)) if (name.endsWith(".html")) fs.rmSync(path.join(outDir, name));
  for (const dir of ["notebooks", MODEL_SITE_DIR]) fs.rmSync(path.join(outDir, dir), { recursive: true, force: true });
}

export function buildSite(options: SiteOptions): SiteSummary {
  const courseTitle = options.courseTitle ?? "CNNs in TypeScript";
  const md = createMarkdown();
  const chapters = loadCourse(options.executedDir, options.sourceDir, md);
  const out = options.outDir;
  clearOldPages(out);
  fs.mkdirSync(path.join(out, "notebooks"), { recursive: true });
  copyAssets(out);
  const hasModel = copyModel(options.modelDir, out);

  const entries: OutlineEntry[] = chapters.map((c) => ({ href: `${c.slug}.html`, title: c.title }));
  const outline: OutlineEntry[] = [{ href: "index.html", title: "Home" }, ...entries, { href: DEMO_PAGE, title: "Draw a digit" }];
  const page = (spec: Omit<PageSpec, "courseTitle" | "outline">) => renderPage({ ...spec, courseTitle, outline });
  const pages: string[] = [];
  const write = (name: string, html: string) => {
    writeAtomic(path.join(out, name), html);
    pages.push(name);
  };

  chapters.forEach((chapter, i) => {
    const env: OutputEnv = { ...newPageEnv(), plotly: 0 };
    const notRun = chapter.executed
      ? ""
      : `<div class="alert warning" role="note">This notebook has not been executed for this build: outputs are missing. Run <code>npm run notebooks</code>.</div>`;
    const live = options.live ? liveConfig(chapter, options.live.configFile) : undefined;
    const body = notRun + renderCells(chapter.notebook, md, env, chapter.run) + (live ?? "");
    const scripts = [
      ...(env.plotly || live ? ["assets/vendor/plotly.min.js"] : []),
      ...(env.mermaid ? ["assets/vendor/mermaid.min.js"] : []),
      ...(live ? [LIVE_SCRIPT] : []),
    ];
    fs.copyFileSync(chapter.file, path.join(out, "notebooks", `${chapter.slug}.ipynb`));
    write(
      `${chapter.slug}.html`,
      page({
        title: chapter.title,
        current: entries[i].href,
        body,
        headings: env.headings,
        prev: i === 0 ? outline[0] : entries[i - 1],
        next: i === chapters.length - 1 ? outline[outline.length - 1] : entries[i + 1],
        download: `notebooks/${chapter.slug}.ipynb`,
        scripts,
      }),
    );
  });
  write("index.html", page({ title: "Home", current: "index.html", body: renderHome(courseTitle, chapters, DEMO_PAGE), next: entries[0] }));
  write(DEMO_PAGE, page({ title: "Draw a digit", current: DEMO_PAGE, body: renderDemo(hasModel, entries.find((e) => e.href === `${TRAINING_NOTEBOOK}.html`)?.href, readModelFacts(options.modelDir)), scripts: demoScripts(hasModel), prev: entries[entries.length - 1] }));
  return { pages, chapters, hasModel };
}
