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
