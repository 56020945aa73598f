// `npm run serve`: the real CLI serves a built site on 127.0.0.1 and nothing outside it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { buildFixtureSite } from "./site-fixture";

const ROOT = path.resolve(__dirname, "..");
let siteDir: string;
let server: ChildProcess;
let base: string;

before(async () => {
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), "site-serve-"));
  buildFixtureSite(siteDir, path.join(siteDir, "no-model"));
  server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts", "--dir", siteDir, "--port", "0"], { cwd: ROOT });
  base = await new Promise<string>((resolve, reject) => {
    let output = "";
    server.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve(match[1]);
    });
    server.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
});

after(() => {
  server?.kill();
  fs.rmSync(siteDir, { recursive: true, force: true });
});

test("serves pages, assets and notebooks with their content types", async () => {
  const index = await fetch(base);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type")!, /^text\/html/);
  assert.match(await index.text(), /<h1 id="top">/);
  const css = await fetch(base + "assets/site.css");
  assert.match(css.headers.get("content-type")!, /^text\/css/);
  const notebook = await fetch(base + "notebooks/01-fixture-figures.ipynb");
  assert.equal((await notebook.json()).nbformat, 4);
  assert.equal((await fetch(base + "missing.html")).status, 404);
});

test("paths cannot climb out of the site folder", async () => {
  const { port } = new URL(base);
  // Raw request lines, since fetch() would normalise them; %2f survives URL parsing and decodes to "/".
  const statusLine = (target: string) =>
    new Promise<string>((resolve, reject) => {
      const socket: net.Socket = net.connect(Number(port), "127.0.0.1", () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      let reply = "";
      socket.on("data", (d: Buffer) => (reply += d));
      socket.on("end", () => resolve(reply.split("\r\n")[0]));
      socket.on("error", reject);
    });
  for (const target of ["/../../../../etc/passwd", "/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd"]) {
    assert.match(await statusLine(target), /^HTTP\/1.1 40[34] /, target);
  }
});

test("a clear one-line error when there is no site to serve", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts", "--dir", path.join(siteDir, "nothing")], { cwd: ROOT });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  assert.equal(code, 1);
  assert.match(stderr.trim(), /^serve: .*nothing\/index.html not found; build the site first with `npm run site`$/);
});
