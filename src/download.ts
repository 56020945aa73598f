// Downloading a file from a list of mirrors: short timeouts, a progress bar on a terminal, a temp file
// that is verified before it is renamed into place, so a bad or partial file never lands in the cache.
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { pipeline } from "node:stream/promises";
import { tempPathFor } from "./atomic-write";

export interface DownloadOptions {
  connectTimeoutMs?: number; // until the response headers arrive
  idleTimeoutMs?: number; // longest silence while the body streams
  progress?: boolean; // draw a progress bar on stderr (default: when stderr is a terminal)
}

export class DownloadError extends Error {}

/**
 * Tries each URL in turn until one gives a file that `verify` accepts (verify throws to reject it).
 * The file is written beside `dest` under a temp name and renamed only once verified. Returns the URL used.
 */
export async function downloadVerified(urls: string[], dest: string, verify: (file: string) => void, opts: DownloadOptions = {}): Promise<string> {
  const failures: string[] = [];
  for (const url of urls) {
    const temp = tempPathFor(dest);
    try {
      await fetchToFile(url, temp, opts);
      verify(temp);
      fs.renameSync(temp, dest);
      return url;
    } catch (err) {
      failures.push(`${url}: ${(err as Error).message}`);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  throw new DownloadError(failures.join("; ") || "no mirrors to try");
}

async function fetchToFile(url: string, file: string, opts: DownloadOptions, redirects = 5): Promise<void> {
  const res = await request(url, opts.connectTimeoutMs ?? 3000);
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
    res.resume();
    return fetchToFile(new URL(res.headers.location, url).href, file, opts, redirects - 1);
  }
  if (status !== 200) {
    res.resume();
    throw new Error(`HTTP ${status}`);
  }
  const total = Number(res.headers["content-length"]) || undefined;
  const idleMs = opts.idleTimeoutMs ?? 15000;
  res.socket.setTimeout(idleMs, () => res.destroy(new Error(`no data for ${idleMs} ms`)));
  const bar = (opts.progress ?? process.stderr.isTTY) ? progressBar(url, total) : undefined;
  let received = 0;
  res.on("data", (chunk: Buffer) => {
    received += chunk.length;
    bar?.(received);
  });
  // Opened synchronously: a lazily opened stream can create the file after a failed transfer was cleaned up.
  const out = fs.createWriteStream(file, { fd: fs.openSync(file, "w") });
  try {
    await pipeline(res, out);
  } finally {
    bar?.(received, true);
  }
  if (total !== undefined && received !== total) throw new Error(`connection closed after ${received} of ${total} bytes`);
}

function request(url: string, connectTimeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? https.get : http.get;
    const req = get(url, (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

// A one-line bar redrawn in place: `name [#########.........] 45% 11.9/26.4 MB`.
function progressBar(url: string, total: number | undefined) {
  const name = url.slice(url.lastIndexOf("/") + 1);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  let last = 0;
  return (received: number, done = false) => {
    const now = Date.now();
    if (!done && now - last < 100) return;
    last = now;
    const frac = total ? Math.min(received / total, 1) : 0;
    const filled = Math.round(frac * 24);
    const size = total ? `${Math.round(frac * 100)}% ${mb(received)}/${mb(total)} MB` : `${mb(received)} MB`;
    process.stderr.write(`\r${name} [${"#".repeat(filled)}${".".repeat(24 - filled)}] ${size}${done ? "\n" : ""}`);
  };
}
