// Files from a Debian package without installing it: `apt-get download` into a temp folder, then unpack only
// the members we need (`dpkg-deb --fsys-tarfile | tar -x`), hand them to the caller, and delete everything.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function aptAvailable(): boolean {
  return ["apt-get", "dpkg-deb", "tar"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);
}

/**
 * Calls `use` with the unpacked paths of `members` (absolute paths inside the package, e.g.
 * "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") and the package version.
 */
export function withDebianPackageFiles<T>(pkg: string, members: string[], use: (files: string[], version: string) => T): T {
  if (!aptAvailable()) throw new Error("apt-get/dpkg-deb are not available on this machine");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `deb-${pkg}-`));
  try {
    // Sandbox::User=root: the temp folder is private to root, so apt's _apt user could not write into it.
    run("apt-get", ["download", "-q", "-o", "APT::Sandbox::User=root", pkg], work);
    const deb = fs.readdirSync(work).find((f) => f.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb`);
    const version = decodeURIComponent(deb.split("_")[1] ?? "?");
    const out = path.join(work, "root");
    fs.mkdirSync(out);
    const script = 'deb="$1"; out="$2"; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out" "$@"';
    run("sh", ["-c", script, "sh", path.join(work, deb), out, ...members.map((m) => `.${m}`)], work);
    const files = members.map((m) => path.join(out, m));
    const missing = members.filter((_, i) => !fs.existsSync(files[i]));
    if (missing.length) throw new Error(`${pkg} ${version} does not contain ${missing.join(", ")}`);
    return use(files, version);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], cwd: string): void {
  const result = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 10 * 60_000 });
  if (result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split("\n").filter(Boolean).pop() ?? `exit ${result.status}`;
    const hint = /Unable to locate package/.test(why) ? " (the package lists may be empty: run `apt-get update` first)" : "";
    throw new Error(`${cmd} ${args[0]} failed: ${why}${hint}`);
  }
}
