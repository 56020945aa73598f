// The course site in a real browser (Debian's Chromium): built from the fixture notebooks, opened both from
// file:// and through the static server. Screenshots of every page, light and dark, go to build/screenshots/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { buildFixtureSite } from "./site-fixture";
import { serveStatic } from "../scripts/site/static-server";
import { launchChromium, legibilityProblems, openPage } from "./site-browser";

const ROOT = path.resolve(__dirname, "..");
const SCREENSHOTS = path.join(ROOT, "build/screenshots");

let siteDir: string;
let pages: string[];
let server: Server;
let browser: Browser;
let httpBase: string;

before(async () => {
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), "site-e2e-"));
  pages = buildFixtureSite(siteDir, path.join(siteDir, "no-model-here")).pages;
  server = await serveStatic(siteDir, 0);
  httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  fs.rmSync(siteDir, { recursive: true, force: true });
});

const open = (url: string, options: { colorScheme?: "light" | "dark"; width?: number } = {}) => openPage(browser, url, options);

const pageUrls = (base: string) => pages.map((p) => new URL(p, base).href);

for (const mode of ["file", "http"] as const) {
  describe(`site over ${mode}://`, () => {
    const base = () => (mode === "file" ? pathToFileURL(siteDir + "/").href : httpBase);

    test("every page loads with zero console errors and draws its plots and diagrams", async () => {
      for (const url of pageUrls(base())) {
        const { page, problems, close } = await open(url);
        assert.deepEqual(problems, [], `${url}`);
        const figures = await page.locator(".plotly-figure").count();
        for (let i = 0; i < figures; i++) {
          assert.ok((await page.locator(".plotly-figure").nth(i).locator(".main-svg").count()) > 0, `${url}: plotly figure ${i + 1} drew no SVG`);
        }
        const diagrams = await page.locator("pre.mermaid").count();
        for (let i = 0; i < diagrams; i++) {
          assert.equal(await page.locator("pre.mermaid").nth(i).locator("svg").count(), 1, `${url}: mermaid diagram ${i + 1} not drawn`);
        }
        await close();
      }
    });
  });
}

test("the fixture pages contain what they should: math, plots, diagrams", async () => {
  const counts: Record<string, { katex: number; plots: number; diagrams: number }> = {};
  for (const name of pages) {
    const { page, close } = await open(httpBase + name);
    counts[name] = await page.evaluate(() => ({
      katex: document.querySelectorAll(".katex").length,
      plots: document.querySelectorAll(".plotly-figure .main-svg").length ? document.querySelectorAll(".plotly-figure").length : 0,
      diagrams: document.querySelectorAll("pre.mermaid svg").length,
    }));
    await close();
  }
  assert.ok(counts["00-fixture-basics.html"].katex >= 4, "inline and display maths on the basics page");
  assert.equal(counts["00-fixture-basics.html"].diagrams, 1);
  assert.equal(counts["01-fixture-figures.html"].plots, 2);
  assert.ok(counts["index.html"].katex >= 1, "a goal with maths is typeset on the home page");
});

test("KaTeX rendered every formula: no raw $ and no KaTeX error left in prose", async () => {
  for (const url of pageUrls(httpBase)) {
    const { page, close } = await open(url);
    const leftovers = await page.evaluate(() => {
      const found: string[] = [];
      const walker = document.createTreeWalker(document.querySelector("main")!, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest("pre, code, .katex, script")) continue;
        if (node.textContent!.includes("$")) found.push(node.textContent!.trim());
      }
      return { found, errors: document.querySelectorAll(".katex-error").length };
    });
    assert.deepEqual(leftovers, { found: [], errors: 0 }, url);
    await close();
  }
});

test("every internal link resolves, including #fragments", async () => {
  const { page, close } = await open(httpBase + "index.html");
  const broken: string[] = [];
  for (const name of pages) {
    const html = fs.readFileSync(path.join(siteDir, name), "utf8");
    await page.setContent(html);
    const links = await page.evaluate(() => Array.from(document.querySelectorAll("a[href], link[href], script[src], img[src]")).map((e) => e.getAttribute("href") ?? e.getAttribute("src")!));
    for (const link of links) {
      if (/^(https?:|mailto:|data:)/.test(link)) continue;
      const [file, fragment] = link.split("#");
      const target = file ? path.join(siteDir, decodeURIComponent(file)) : path.join(siteDir, name);
      if (!fs.existsSync(target)) {
        broken.push(`${name} → ${link}`);
        continue;
      }
      if (fragment && target.endsWith(".html") && !fs.readFileSync(target, "utf8").includes(`id="${decodeURIComponent(fragment)}"`)) {
        broken.push(`${name} → ${link} (no such anchor)`);
      }
    }
  }
  await close();
  assert.deepEqual(broken, []);
});

test("no external URL is ever requested: everything is local", async () => {
  for (const url of pageUrls(httpBase)) {
    const { page, close } = await open(url);
    const external = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => !n.startsWith(location.origin) && !n.startsWith("data:")));
    assert.deepEqual(external, [], url);
    await close();
  }
});

test("text a cell printed is escaped; the inline plotly HTML fallback is never used", async () => {
  const { page, close } = await open(httpBase + "00-fixture-basics.html");
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.ok((await page.locator("pre.output", { hasText: "<script>window.__pwned = 1</script>" }).count()) === 1);
  await close();
  const figures = await open(httpBase + "01-fixture-figures.html");
  assert.equal(await figures.page.evaluate(() => (window as unknown as { __plotlyFallbackRan?: boolean }).__plotlyFallbackRan), undefined);
  assert.equal(await figures.page.locator("#inline-fallback").count(), 0);
  await figures.close();
});

test("dark theme follows prefers-color-scheme and the toggle, and redraws diagrams and plots", async () => {
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await open(httpBase + "00-fixture-basics.html", { colorScheme: "dark" });
  assert.equal(await dark.page.getAttribute("html", "data-theme"), "dark");
  const darkBg = await background(dark.page);
  await dark.close();

  const light = await open(httpBase + "01-fixture-figures.html", { colorScheme: "light" });
  assert.equal(await light.page.getAttribute("html", "data-theme"), "light");
  const lightBg = await background(light.page);
  assert.notEqual(lightBg, darkBg);
  const fontColour = () => light.page.evaluate(() => getComputedStyle(document.querySelector(".plotly-figure .gtitle")!).fill);
  const before = await fontColour();
  await light.page.click(".theme-toggle");
  assert.equal(await light.page.getAttribute("html", "data-theme"), "dark");
  assert.equal(await background(light.page), darkBg);
  await light.page.waitForFunction((old) => getComputedStyle(document.querySelector(".plotly-figure .gtitle")!).fill !== old, before);
  // The choice is remembered on the next page.
  await light.page.goto(httpBase + "00-fixture-basics.html");
  assert.equal(await light.page.getAttribute("html", "data-theme"), "dark");
  await light.page.waitForFunction(() => document.querySelector("pre.mermaid svg"));
  assert.deepEqual(light.problems, []);
  await light.close();
});

test("a 390 px phone has no horizontal scroll, and the outline opens from the menu", async () => {
  for (const url of pageUrls(httpBase)) {
    const { page, close } = await open(url, { width: 390 });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `${url}: ${widths.scroll}px wide content in a ${widths.client}px viewport`);
    assert.equal(await page.locator("#sidebar").isVisible(), false);
    await page.click(".menu");
    assert.equal(await page.locator("#sidebar").isVisible(), true);
    await close();
  }
});

test("on a 390 px phone, plot titles fit inside their figure and legends sit under the plot", async () => {
  const { page, close, problems } = await open(httpBase + "01-fixture-figures.html", { width: 390 });
  await page.waitForFunction(() => document.querySelectorAll(".plotly-figure .main-svg").length > 0);
  type Box = { left: number; right: number; top: number; bottom: number } | null;
  // A string, not a function: tsx would wrap a named helper in __name(), which the page does not have.
  const boxes = (await page.evaluate(`[...document.querySelectorAll(".plotly-figure.js-plotly-plot")].map((fig) => Object.fromEntries(
    [["figure", ".main-svg"], ["title", ".gtitle"], ["legend", ".legend"], ["plot", ".nsewdrag"]].map(([key, sel]) => {
      const el = fig.querySelector(sel);
      if (!el) return [key, null];
      const r = el.getBoundingClientRect();
      return [key, { left: r.left, right: r.right, top: r.top, bottom: r.bottom }];
    })))`)) as { figure: Box; title: Box; legend: Box; plot: Box }[];
  assert.ok(boxes.length > 0, "no plotly figures drawn");
  for (const [i, b] of boxes.entries()) {
    if (b.title) assert.ok(b.title.left >= b.figure!.left - 1 && b.title.right <= b.figure!.right + 1, `figure ${i}: title ${JSON.stringify(b.title)} overflows ${JSON.stringify(b.figure)}`);
    if (b.legend && b.plot) assert.ok(b.legend.top >= b.plot.bottom, `figure ${i}: legend ${JSON.stringify(b.legend)} is beside the plot ${JSON.stringify(b.plot)}, not under it`);
  }
  assert.deepEqual(problems, []);
  await close();
});

test("every page is legible at 1280 px and on a 390 px phone: diagram text, captions and plot titles of 12 px or more, no mode bar on a title, no Copy button on code, wide tables keep their first column", async () => {
  for (const url of pageUrls(httpBase)) {
    for (const width of [1280, 390]) {
      const { page, close } = await open(url, { width });
      await page.hover(".plotly-figure").catch(() => undefined); // the mode bar shows on hover
      assert.deepEqual(await legibilityProblems(page), [], `${url} at ${width} px`);
      await close();
    }
  }
});

test("screenshots of every page, light and dark, desktop and phone", async () => {
  for (const name of pages) {
    for (const scheme of ["light", "dark"] as const) {
      for (const [device, width] of [["desktop", 1280], ["phone", 390]] as const) {
        const { page, close } = await open(httpBase + name, { colorScheme: scheme, width });
        const file = path.join(SCREENSHOTS, `${name.replace(/\.html$/, "")}-${scheme}-${device}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 1000);
        await close();
      }
    }
  }
});
