// node:fs for a course page: the synchronous calls the course's cells and src/ make, on the page's in-memory file
// store (src/platform.browser.ts `pageFiles`). The data loaders put the dataset files there at their cache
// paths (data/<name>/…), so a cell that reads `cachedFilePath(…)` gets the same bytes as in a kernel.
import { pageFiles } from "../../../../src/platform.browser";

const normal = (p: string | URL) => String(p).replace(/\/+/g, "/").replace(/^\.\//, "");
const noEntry = (p: string, call: string) =>
  Object.assign(new Error(`ENOENT: no such file in this page, ${call} '${p}' (a page holds only the course's dataset files and what its cells wrote)`), { code: "ENOENT" });

export function existsSync(p: string | URL): boolean {
  const key = normal(p);
  return pageFiles.has(key) || [...pageFiles.keys()].some((k) => k.startsWith(`${key.replace(/\/$/, "")}/`));
}

export function readFileSync(p: string | URL, options?: BufferEncoding | { encoding?: BufferEncoding | null }): Uint8Array | string {
  const bytes = pageFiles.get(normal(p));
  if (!bytes) throw noEntry(String(p), "open");
  const encoding = typeof options === "string" ? options : options?.encoding;
  return encoding ? new TextDecoder().decode(bytes) : bytes.slice();
}

export function writeFileSync(p: string | URL, data: string | Uint8Array): void {
  pageFiles.set(normal(p), typeof data === "string" ? new TextEncoder().encode(data) : Uint8Array.from(data));
}

export function renameSync(from: string | URL, to: string | URL): void {
  const bytes = pageFiles.get(normal(from));
  if (!bytes) throw noEntry(String(from), "rename");
  pageFiles.delete(normal(from));
  pageFiles.set(normal(to), bytes);
}

export function rmSync(p: string | URL, options: { force?: boolean; recursive?: boolean } = {}): void {
  const key = normal(p);
  if (pageFiles.delete(key)) return;
  const inside = [...pageFiles.keys()].filter((k) => k.startsWith(`${key.replace(/\/$/, "")}/`));
  if (inside.length && options.recursive) for (const k of inside) pageFiles.delete(k);
  else if (!options.force) throw noEntry(String(p), "rm");
}

/** Folders exist implicitly in the page's store. */
export function mkdirSync(_p: string | URL, _options?: unknown): void {}

export function statSync(p: string | URL): { size: number; isFile(): boolean; isDirectory(): boolean } {
  const bytes = pageFiles.get(normal(p));
  if (!bytes && !existsSync(p)) throw noEntry(String(p), "stat");
  return { size: bytes?.length ?? 0, isFile: () => !!bytes, isDirectory: () => !bytes };
}
