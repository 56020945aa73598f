// The web page's side of src/datasets.ts: the same loaders, reading the files the site build copied next to the
// pages (data/<name>/manifest.json and the four IDX .gz files) over HTTP. Each payload is gunzipped by the
// browser (DecompressionStream), checked against the manifest's SHA-256 (Web Crypto) and parsed by the same IDX
// code as in Node. The fetched .gz files also land in the page's file store at their cache paths, so a cell that
// reads `cachedFilePath(…)` with node:fs sees the bytes a kernel would.
import { parseIdx, IdxFormatError } from "./idx";
import { pageFiles, sha256Hex } from "./platform.browser";
import type { Split } from "./splits";
import { CLASS_NAMES, DatasetUnavailableError, IDX_FILES, digitsWithFallback, type Dataset, type DatasetName, type DatasetStatus } from "./dataset-names";

export { DATASET_NAMES, IDX_FILES, DatasetUnavailableError } from "./dataset-names";
export type { Dataset, DatasetName, DatasetStatus } from "./dataset-names";

interface Manifest {
  name: DatasetName;
  source: string;
  files: Record<string, { sha256: string }>;
}

let base = "data/";

/** Where the site keeps its data folders, relative to the page (default "data/"). */
export function setDataLocation(url: string): void {
  base = url.endsWith("/") ? url : `${url}/`;
}

/** data/<name>/<file>: the file's URL relative to the page, and its path in the page's file store. */
export function cachedFilePath(name: DatasetName, file: string): string {
  return `${base}${name}/${file}`;
}

async function fetchBytes(url: string, name: DatasetName): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new DatasetUnavailableError(name, `${url}: ${(err as Error).message} — check that the site is served (npm run serve) and built with its data`);
  }
  if (!response.ok) throw new DatasetUnavailableError(name, `${url}: HTTP ${response.status} — the site was built without this dataset; run \`npm run data -- ${name}\`, then \`npm run site\``);
  return new Uint8Array(await response.arrayBuffer());
}

async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new IdxFormatError(file, 0, `corrupt gzip stream (${(err as Error).message})`, "the file is damaged; rebuild the site with `npm run site`");
  }
}

const loaded = new Map<DatasetName, Promise<Dataset>>();

/** Loads a dataset from the site's data folder, checking every payload against its manifest; each is fetched once per page. */
export function loadDataset(name: DatasetName): Promise<Dataset> {
  if (!(name in CLASS_NAMES)) return Promise.reject(new Error(`Unknown dataset "${name}": use one of ${Object.keys(CLASS_NAMES).join(", ")}`));
  let pending = loaded.get(name);
  if (!pending) {
    pending = fetchDataset(name);
    pending.catch(() => loaded.delete(name)); // a failed load is tried again next time
    loaded.set(name, pending);
  }
  return pending;
}

async function fetchDataset(name: DatasetName): Promise<Dataset> {
  const manifestUrl = cachedFilePath(name, "manifest.json");
  const manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl, name))) as Manifest;
  const read = async (file: string) => {
    const where = cachedFilePath(name, file);
    const gz = await fetchBytes(where, name);
    pageFiles.set(where, gz);
    const payload = await gunzip(gz, where);
    const digest = await sha256Hex(payload);
    if (digest !== manifest.files[file]?.sha256) throw new DatasetUnavailableError(name, `${where} does not match its manifest — rebuild the site with \`npm run site\``);
    return parseIdx(payload, where);
  };
  const split = async (imagesFile: string, labelsFile: string): Promise<Split> => {
    const [images, labels] = await Promise.all([read(imagesFile), read(labelsFile)]);
    const [count, rows, cols] = images.shape;
    if (images.dtype !== "ubyte" || rows !== 28 || cols !== 28 || labels.dtype !== "ubyte" || labels.shape.join() !== `${count}`) {
      throw new IdxFormatError(cachedFilePath(name, imagesFile), 0, `expected ubyte images [N,28,28] with N ubyte labels, got [${images.shape}] and [${labels.shape}]`, "rebuild the site with `npm run site`");
    }
    return { images: images.data as Uint8Array, labels: labels.data as Uint8Array, count };
  };
  const [train, test] = await Promise.all([split(IDX_FILES.trainImages, IDX_FILES.trainLabels), split(IDX_FILES.testImages, IDX_FILES.testLabels)]);
  return { name, source: `${manifest.source}, served with this site`, train, test, classNames: CLASS_NAMES[name] };
}

/** The course's digit set: mnist when the site has it, otherwise digits-opencv, announced as in Node. */
export function loadDigits(): Promise<Dataset & { fallbackReason?: string }> {
  return digitsWithFallback(() => loadDataset("mnist"), () => loadDataset("digits-opencv"));
}

/** In a page a dataset is ready once loaded; before that its status says it is fetched on first use. */
export function datasetStatus(name: DatasetName): DatasetStatus {
  return pageFiles.has(cachedFilePath(name, IDX_FILES.trainImages))
    ? { name, ready: true, source: "served with this site" }
    : { name, ready: false, problem: `fetched from ${cachedFilePath(name, "")} on first use` };
}
