// Static files of the site: its own CSS/JS and one local copy of each browser library (no CDN).
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const OWN_ASSETS = path.join(__dirname, "assets");

/** Browser libraries, copied from node_modules to assets/vendor/<target>. */
const VENDOR: { from: string; to: string }[] = [
  { from: "node_modules/katex/dist/katex.min.css", to: "katex/katex.min.css" },
  { from: "node_modules/katex/dist/fonts", to: "katex/fonts" },
  { from: "node_modules/plotly.js-dist-min/plotly.min.js", to: "plotly.min.js" }, // the same build as plotly.js-dist, minified
  { from: "node_modules/mermaid/dist/mermaid.min.js", to: "mermaid.min.js" },
  { from: "node_modules/@tensorflow/tfjs/dist/tf.min.js", to: "tf.min.js" },
];

/** Copy unless an identical-looking file (same size, not older) is already there: rebuilds stay fast. */
function copyFresh(from: string, to: string): void {
  const source = fs.statSync(from);
  if (source.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const name of fs.readdirSync(from)) copyFresh(path.join(from, name), path.join(to, name));
    return;
  }
  const target = fs.statSync(to, { throwIfNoEntry: false });
  if (target && target.size === source.size && target.mtimeMs >= source.mtimeMs) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

export function copyAssets(siteDir: string): void {
  copyFresh(OWN_ASSETS, path.join(siteDir, "assets"));
  const vendorDir = path.join(siteDir, "assets", "vendor");
  // Drop what an older build vendored and this one does not, so each library exists once.
  const wanted = new Set(VENDOR.map(({ to }) => to.split("/")[0]));
  if (fs.existsSync(vendorDir)) for (const name of fs.readdirSync(vendorDir)) if (!wanted.has(name)) fs.rmSync(path.join(vendorDir, name), { recursive: true });
  for (const { from, to } of VENDOR) copyFresh(path.join(ROOT, from), path.join(vendorDir, to));
}
