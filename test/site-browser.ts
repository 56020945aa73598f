// Shared by the site's browser tests: Debian's Chromium through playwright-core, never a downloaded browser.
import { chromium, type Browser, type Page } from "playwright-core";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
}

/** Everything a page reports as broken: console errors, uncaught exceptions and failed requests. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    // "Failed to load resource" does not say which; the location does.
    if (msg.type() === "error") problems.push(`console: ${msg.text()}${msg.text().startsWith("Failed to load resource") ? ` (${msg.location().url})` : ""}`);
  });
  page.on("pageerror", (err) => problems.push(`exception: ${err.message}`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  return problems;
}

/**
 * Open `url` in a new context and wait until its plotly figures and mermaid diagrams are drawn.
 * On timeout `problems` says so; the caller's assertions then say what is missing.
 */
export async function openPage(browser: Browser, url: string, options: { colorScheme?: "light" | "dark"; width?: number; timeout?: number } = {}) {
  const context = await browser.newContext({ colorScheme: options.colorScheme ?? "light", viewport: { width: options.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(url, { waitUntil: "load" });
  const timeout = options.timeout ?? 20_000;
  const drawn = () =>
    Array.from(document.querySelectorAll(".plotly-figure")).every((f) => f.querySelector(".main-svg")) &&
    Array.from(document.querySelectorAll("pre.mermaid")).every((p) => p.querySelector("svg"));
  await page.waitForFunction(drawn, undefined, { timeout }).catch(() => problems.push(`plots or diagrams not drawn within ${timeout / 1000} s`));
  return { page, problems, close: () => context.close() };
}

/** The smallest text a page may draw in a diagram, an image caption or a plot title, in CSS pixels. */
export const MIN_TEXT_PX = 12;

// A string, not a function, for page.evaluate: tsx would wrap named helpers in __name(), which the page lacks.
const LEGIBILITY_SCRIPT = `(() => {
  const MIN = ${MIN_TEXT_PX};
  const problems = [];
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // Mermaid: the label's font size times the factor the SVG is drawn at (viewBox → screen).
  document.querySelectorAll("pre.mermaid svg").forEach((svg, i) => {
    const box = svg.viewBox && svg.viewBox.baseVal;
    const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
    let smallest = Infinity;
    svg.querySelectorAll(".nodeLabel, .edgeLabel, text").forEach((t) => {
      if (!t.textContent.trim()) return;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
    });
    if (smallest < MIN) problems.push("diagram " + (i + 1) + ": text drawn at " + smallest.toFixed(1) + " px");
  });
  // Image grids: captions are real text at a legible size.
  document.querySelectorAll(".image-grid figcaption").forEach((c, i) => {
    const px = parseFloat(getComputedStyle(c).fontSize);
    if (px < MIN) problems.push("image caption " + (i + 1) + " (" + c.textContent + "): " + px + " px");
  });
  // Plotly: the title is legible and no mode bar button sits on it.
  document.querySelectorAll(".plotly-figure.js-plotly-plot").forEach((fig, i) => {
    const title = fig.querySelector(".gtitle");
    if (!title || !visible(title)) return;
    const px = parseFloat(getComputedStyle(title).fontSize);
    if (px < MIN) problems.push("plot " + (i + 1) + ": title at " + px + " px");
    const t = title.getBoundingClientRect();
    fig.querySelectorAll(".modebar-btn").forEach((b) => {
      if (visible(b) && overlap(b.getBoundingClientRect(), t)) problems.push("plot " + (i + 1) + ": a mode bar button covers the title");
    });
  });
  // Wide tables scroll inside their box with the first (key) column pinned.
  document.querySelectorAll("table").forEach((table, i) => {
    if (table.scrollWidth <= table.clientWidth + 1) return;
    const first = table.querySelector("tbody tr > :first-child");
    if (first && getComputedStyle(first).position !== "sticky") problems.push("table " + (i + 1) + ": scrolls sideways but its first column does not stay in place");
  });
  // Code cells: the Copy button never covers a line of code.
  document.querySelectorAll(".input").forEach((input, i) => {
    const button = input.querySelector(".copy");
    const code = input.querySelector("pre code");
    if (!button || !code || !visible(button)) return;
    const range = document.createRange();
    range.selectNodeContents(code);
    const b = button.getBoundingClientRect();
    if ([...range.getClientRects()].some((r) => r.width > 0 && overlap(b, r))) problems.push("code cell " + (i + 1) + ": the Copy button covers code");
  });
  return problems;
})()`;

/** What on the current page is too small to read or covered: diagrams, captions, plot titles, code. */
export async function legibilityProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(LEGIBILITY_SCRIPT)) as string[];
}
