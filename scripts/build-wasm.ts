// Compiles src/kernels/simd/kernels.as.ts with AssemblyScript (an npm package, so no other toolchain is needed) into
// dist/kernels/simd/: one binary importing a plain memory (tfjs's single-threaded build) and one importing a shared
// memory (its threaded build). Part of `npm run build`; skipped when both binaries are newer than the source.
//   npx tsx scripts/build-wasm.ts [--force]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { simdFiles } from "../src/kernels/simd";
import { COURSE_WASM_DIR as simdDir } from "../src/platform";

const source = path.join(__dirname, "..", "src", "kernels", "simd", "kernels.as.ts");
const asc = require.resolve("assemblyscript/bin/asc.js");
// No runtime, no assertions, memory imported from tfjs: the module then has no data, no globals and no start function.
const common = ["-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--initialMemory", "1", "--enable", "simd"];
const variants: Record<keyof typeof simdFiles, string[]> = {
  plain: [],
  shared: ["--sharedMemory", "--maximumMemory", "65536", "--enable", "threads"],
};

function main(): void {
  const force = process.argv.includes("--force");
  fs.mkdirSync(simdDir, { recursive: true });
  const sourceTime = fs.statSync(source).mtimeMs;
  for (const [variant, flags] of Object.entries(variants) as [keyof typeof simdFiles, string[]][]) {
    const out = path.join(simdDir, simdFiles[variant]);
    if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= sourceTime) continue;
    const tmp = `${out}.${process.pid}.tmp`;
    const started = performance.now();
    const result = spawnSync(process.execPath, [asc, source, "-o", tmp, ...common, ...flags], { encoding: "utf8" });
    if (result.status !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`AssemblyScript failed on ${path.relative(process.cwd(), source)}:\n${result.stderr || result.stdout}`);
    }
    fs.renameSync(tmp, out); // atomic: a half-written binary never has the final name
    const kb = (fs.statSync(out).size / 1024).toFixed(1);
    console.log(`build-wasm: ${path.relative(process.cwd(), out)} (${kb} KB, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

try {
  main();
} catch (e) {
  console.error(`build-wasm: ${(e as Error).message}`);
  process.exit(1);
}
