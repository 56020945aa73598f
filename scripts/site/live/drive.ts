// Drives live pages in Debian's Chromium (playwright-core, never a downloaded browser): builds a site with live
// cells from the source notebooks, serves it with `npm run serve`'s server, and clicks a page's "Run all".
// Used by test/live-page.test.ts and by `npm run bench:page`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Page } from "playwright-core";
import { buildSite } from "../build";
import { buildLiveAssets, type LiveAssets } from "./site";
import { serveStatic } from "../static-server";
import type { Metrics } from "../../../src/report";

const ROOT = path.resolve(__dirname, "..", "..", "..");

export interface LiveSite {
  dir: string;
  base: string; // http://127.0.0.1:PORT/, with the headers of `npm run serve`
  plainBase: string; // the same site without the cross-origin isolation headers, as on most static hosts
  assets: LiveAssets;
  close(): void;
}

/** A site built from the source notebooks (their code, not a build's outputs), with its live bundle and data, served. */
export async function serveLiveSite(notebooksDir = path.join(ROOT, "notebooks")): Promise<LiveSite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "live-site-"));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "live-empty-"));
  buildSite({ executedDir: empty, sourceDir: notebooksDir, modelDir: path.join(empty, "no-model"), outDir: dir, live: { configFile: path.join(notebooksDir, "course.config.json") } });
  const assets = await buildLiveAssets(dir, notebooksDir);
  const server: Server = await serveStatic(dir, 0);
  const plain: Server = await serveStatic(dir, 0, { isolation: false });
  return {
    dir,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    plainBase: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`,
    assets,
    close: () => {
      server.close();
      plain.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(empty, { recursive: true, force: true });
    },
  };
}

/** Clicks "Run all" and waits until the page is idle; returns the status line, the seconds and what the cells reported. */
export async function runAll(page: Page, timeoutMs: number): Promise<{ status: string; seconds: number; metrics: Metrics }> {
  const started = performance.now();
  await page.locator(".live-run-all").click();
  await page.waitForFunction("window.courseLive && !window.courseLive.busy()", undefined, { timeout: timeoutMs, polling: 500 });
  return {
    status: (await page.locator(".live-status").textContent()) ?? "",
    seconds: (performance.now() - started) / 1000,
    metrics: (await page.evaluate("window.courseLive.metrics()")) as Metrics,
  };
}
