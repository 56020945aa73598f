// `npm run bench:page -- [NN=04]`: one notebook's quick profile in a live page (Debian's Chromium, the page's own
// backend choice) and in the Node runner (a tslab kernel), one after the other on this machine, and the training
// seconds of each model side by side. Speed ratios move between hosts, so only the two columns of one run compare.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { serveLiveSite, runAll } from "./site/live/drive";
import { launchChromium } from "../test/site-browser";
import type { Metrics } from "../src/report";

const ROOT = path.resolve(__dirname, "..");

async function inPage(slug: string): Promise<{ seconds: number; metrics: Metrics; backend: string }> {
  const site = await serveLiveSite();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(site.base + `${slug}.html`);
    await page.waitForSelector(".live-run-all");
    const run = await runAll(page, 3_600_000);
    if (!run.status.startsWith("Ran all")) throw new Error(`${slug} in the page: ${run.status}`);
    const backend = /tfjs [\d.]+ on [^\n]*/.exec((await page.locator("main").textContent()) ?? "")?.[0] ?? "?";
    return { seconds: run.seconds, metrics: run.metrics, backend };
  } finally {
    await browser.close();
    site.close();
  }
}

function inNode(key: string): { seconds: number; metrics: Metrics; threads: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-page-node-"));
  try {
    try {
      execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"), key, "--profile", "quick", "--force", "--out", out], { cwd: ROOT, stdio: "pipe", maxBuffer: 64 << 20 });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`the Node runner failed on ${key}:\n${stdout ?? ""}${stderr ?? ""}`);
    }
    const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")) as { notebooks: { seconds: number; metrics?: Metrics }[] };
    return { seconds: report.notebooks[0].seconds, metrics: report.notebooks[0].metrics ?? {}, threads: process.env.TFJS_THREADS ?? String(os.availableParallelism()) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const key = process.argv[2] ?? "04";
  const slug = fs.readdirSync(path.join(ROOT, "notebooks")).find((f) => f.startsWith(`${key}-`) && f.endsWith(".ipynb"))?.replace(/\.ipynb$/, "");
  if (!slug) throw new Error(`no notebook notebooks/${key}-*.ipynb; give its two-digit number, e.g. 04`);
  console.log(`bench:page: ${slug}, quick parameters, on ${os.cpus()[0]?.model ?? "?"} × ${os.availableParallelism()}`);
  const page = await inPage(slug);
  console.log(`  page: ${page.backend}; Run all ${page.seconds.toFixed(0)} s`);
  const node = inNode(key);
  console.log(`  node: tslab kernel, wasm on ${node.threads} thread(s); notebook ${node.seconds.toFixed(0)} s`);
  const models = Object.keys(page.metrics).filter((k) => k.startsWith("train_seconds_"));
  const rows = [["model", "page s", "node s", "page / node"], ...models.map((k) => {
    const [p, n] = [Number(page.metrics[k]), Number(node.metrics[k])];
    return [k.slice("train_seconds_".length), p.toFixed(1), Number.isFinite(n) ? n.toFixed(1) : "–", Number.isFinite(n) ? `${(p / n).toFixed(2)}×` : "–"];
  })];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log("  " + r.map((v, i) => (i ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  "));
  const acc = (m: Metrics) => (typeof m.test_accuracy === "number" ? `${(100 * m.test_accuracy).toFixed(2)}%` : "–");
  console.log(`  test accuracy of the saved model: page ${acc(page.metrics)}, node ${acc(node.metrics)}`);
}

main().catch((err) => {
  console.error(`bench:page: ${(err as Error).message}`);
  process.exit(1);
});
