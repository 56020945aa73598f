// `npm run serve -- [--port 8080] [--dir site]`: serve the built course site on 127.0.0.1.
import * as fs from "node:fs";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { serveStatic } from "./site/static-server";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8080" }, dir: { type: "string", default: "site" } } });
  const dir = path.resolve(ROOT, values.dir!);
  if (!fs.existsSync(path.join(dir, "index.html"))) throw new Error(`${dir}/index.html not found; build the site first with \`npm run site\``);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number (0–65535)`);
  const server = await serveStatic(dir, port);
  console.log(`serve: ${dir} at http://127.0.0.1:${(server.address() as AddressInfo).port}/  (Ctrl-C stops)`);
}

main().catch((err: NodeJS.ErrnoException) => {
  if (process.env.DEBUG === "1") console.error(err);
  const hint = err.code === "EADDRINUSE" ? "; pick another with --port N" : "";
  console.error(`serve: ${err.message}${hint}`);
  process.exit(1);
});
