// `npm run idx -- info FILE` and `npm run idx -- show FILE --index i`: look inside any IDX file.
// Exit codes: 0 fine, 1 bad file (one `error:` line), 2 bad usage.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { IDX_DTYPES, IdxArray, decompressIdx, parseIdx } from "../src/idx";

const USAGE = "usage: npm run idx -- info FILE | show FILE --index i";

class UsageError extends Error {}

function load(file: string): { idx: IdxArray; fileBytes: number; payloadBytes: number; gzipped: boolean } {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === "ENOENT" ? "no such file — check the path (datasets are in data/<name>/ after `npm run data`)" : code === "EISDIR" ? "is a folder, not a file" : (err as Error).message}`);
  }
  const payload = decompressIdx(raw, file);
  return { idx: parseIdx(payload, file), fileBytes: raw.length, payloadBytes: payload.length, gzipped: payload !== raw };
}

function info(file: string) {
  const { idx, fileBytes, payloadBytes, gzipped } = load(file);
  const { data, shape, dtype } = idx;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const code = IDX_DTYPES[dtype].code.toString(16).padStart(2, "0").toUpperCase();
  console.log(`file     ${file}`);
  console.log(`size     ${fileBytes} bytes${gzipped ? ` gzipped, ${payloadBytes} bytes of IDX` : ""}`);
  console.log(`header   00 00 ${code} ${shape.length.toString(16).padStart(2, "0")}  → dtype 0x${code} (${dtype}), rank ${shape.length}`);
  console.log(`shape    [${shape.join(", ")}]  (${data.length} elements)`);
  console.log(data.length ? `range    ${min} … ${max}  (mean ${(sum / data.length).toFixed(3)})` : "range    (empty)");
  if (shape.length === 1 && Number.isInteger(min) && max - min < 256) console.log(histogram(data));
}

// One bar per distinct value, scaled to the most frequent one.
function histogram(data: ArrayLike<number>): string {
  const counts = new Map<number, number>();
  for (let i = 0; i < data.length; i++) counts.set(data[i], (counts.get(data[i]) ?? 0) + 1);
  const most = Math.max(...counts.values());
  const rows = [...counts].sort(([a], [b]) => a - b).map(([v, n]) => `  ${String(v).padStart(4)} ${String(n).padStart(7)} ${"█".repeat(Math.round((40 * n) / most))}`);
  return ["labels   value   count", ...rows].join("\n");
}

function show(file: string, index: number) {
  const { idx } = load(file);
  const { data, shape } = idx;
  if (shape.length !== 3) throw new UsageError(`show needs a rank-3 image file ([N, rows, cols]); ${file} has shape [${shape}]`);
  const [count, rows, cols] = shape;
  if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new UsageError(`--index must be an integer 0..${count - 1}, got ${index}`);
  let max = 0;
  for (let i = index * rows * cols; i < (index + 1) * rows * cols; i++) max = Math.max(max, data[i]);
  const ramp = " .:-=+*#%@";
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < cols; c++) {
      const v = data[(index * rows + r) * cols + c];
      const ch = ramp[max > 0 ? Math.min(ramp.length - 1, Math.floor((v / max) * ramp.length)) : 0];
      line += ch + ch; // two characters per pixel keep the aspect ratio square in a terminal
    }
    lines.push(line.trimEnd());
  }
  console.log(`${file} [${index}] of ${count}`);
  console.log(lines.join("\n"));
}

function main(argv: string[]): number {
  try {
    const { positionals, values } = parseArgs({ args: argv, options: { index: { type: "string", short: "i" } }, allowPositionals: true });
    const [cmd, file, ...extra] = positionals;
    if (!file || extra.length || (cmd !== "info" && cmd !== "show")) throw new UsageError(USAGE);
    if (cmd === "info") info(file);
    else {
      if (values.index === undefined) throw new UsageError(`show needs --index i\n${USAGE}`);
      show(file, Number(values.index));
    }
    return 0;
  } catch (err) {
    if (process.env.DEBUG === "1") console.error(err);
    const usage = err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS");
    console.error(`error: ${(err as Error).message}`);
    return usage ? 2 : 1;
  }
}

process.exitCode = main(process.argv.slice(2));
