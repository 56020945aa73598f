// The web page's side of src/text-corpus.ts: the same loadCorpus, on the copies of the corpora the site serves
// (data/text/<name>/, copied by `npm run site`). loadCorpus is synchronous in Node, so the page fetches and checks
// every file (SHA-256 against CORPORA, Web Crypto) before a notebook's first cell runs: the live page calls
// `preparePage` on each module a notebook imports that has one.
import { CORPORA, CORPUS_NAMES, CorpusUnavailableError, corpusFrom, type Corpus, type CorpusName } from "./text-corpora";
import { sha256Hex } from "./platform.browser";

export { CORPORA, CORPUS_NAMES, CorpusUnavailableError, cleanTerminalText, splitDocuments } from "./text-corpora";
export type { Corpus, CorpusName } from "./text-corpora";

let base = "data/text/";
const loaded = new Map<CorpusName, { files: string[]; source: string }>();
const problems = new Map<CorpusName, string>();

/** Where the site keeps the corpora, relative to the page (default "data/text/"). */
export function setCorpusLocation(url: string): void {
  base = url.endsWith("/") ? url : `${url}/`;
}

async function fetchCorpus(name: CorpusName): Promise<void> {
  const dir = `${base}${name}/`;
  const get = async (file: string) => {
    const response = await fetch(dir + file);
    if (!response.ok) throw new Error(`${dir + file}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const manifest = JSON.parse(new TextDecoder().decode(await get("manifest.json"))) as { source: string };
  const files: string[] = [];
  for (const [file, expected] of Object.entries(CORPORA[name].files)) {
    const bytes = await get(file);
    const digest = await sha256Hex(bytes);
    if (digest !== expected) throw new Error(`${dir + file} has SHA-256 ${digest}, expected ${expected}`);
    files.push(new TextDecoder().decode(bytes));
  }
  loaded.set(name, { files, source: `${manifest.source}, served with this site` });
}

/** Fetches and checks every corpus the site has; one that is missing is remembered and reported by loadCorpus. */
export async function preparePage(): Promise<void> {
  await Promise.all(
    CORPUS_NAMES.filter((name) => !loaded.has(name)).map((name) =>
      fetchCorpus(name).then(() => problems.delete(name), (err: Error) => problems.set(name, err.message)),
    ),
  );
}

/** Loads a corpus the page fetched before its first cell ran. */
export function loadCorpus(name: CorpusName): Corpus {
  if (!(name in CORPORA)) throw new Error(`Unknown corpus "${name}": use one of ${CORPUS_NAMES.join(", ")}`);
  const got = loaded.get(name);
  if (got) return corpusFrom(name, got.files, got.source);
  const why = problems.get(name) ?? "the page has not fetched it (preparePage was not called)";
  throw new CorpusUnavailableError(name, `${why} — the site was built without it: run \`npm run data\`, then \`npm run site\``);
}
