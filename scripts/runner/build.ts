// Keeps dist/ current: notebooks import the compiled helpers (`../dist/x`), never src/ directly.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync } from "node:fs";
import path from "node:path";

/** Runs the project build when any file in src/ is newer than the last build. */
export function ensureBuilt(root: string): void {
  const stamp = path.join(root, "dist", ".tsbuildinfo");
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const srcDir = path.join(root, "src");
  const stale = readdirSync(srcDir, { recursive: true }).some((f) => statSync(path.join(srcDir, String(f))).mtimeMs > built);
  if (!stale) return;
  process.stderr.write("building src/ → dist/ (npm run build)\n");
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (tsc.status !== 0) throw new Error("npm run build failed; fix the type errors above, then try again");
  const now = new Date();
  utimesSync(stamp, now, now); // an incremental build with nothing to emit leaves the stamp old
}
