// The text corpora: cleaned fortune files and the Dhammapada's verses, checked structurally (no corpus text is
// copied here), plus the checksum and the one-line errors when a corpus cannot be had.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CORPORA, CorpusUnavailableError, cleanTerminalText, corpusDir, corpusStatus, loadCorpus, prepareCorpus, splitDocuments } from "../src/text-corpus";
import { CharTokenizer } from "../src/tokenizers";

const CONTROL = /[^\P{Cc}\n\t]/u; // a control character other than newline and tab

test("terminal text: a backspace erases the character before it, other control characters go", () => {
  assert.equal(cleanTerminalText("_\bH_\bi B\bBold"), "Hi Bold");
  assert.equal(cleanTerminalText("__\b\bok"), "ok");
  assert.equal(cleanTerminalText("ding\u0007!\u0085"), "ding!");
  assert.equal(cleanTerminalText("a\n\bb\tc"), "a\nb\tc", "a backspace at the start of a line erases nothing");
});

test("fortunes: a few MB of English in thousands of cleaned documents, with its source and license", () => {
  const corpus = loadCorpus("fortunes");
  assert.ok(corpus.text.length > 2_000_000 && corpus.text.length < 3_000_000, `${corpus.text.length} characters`);
  assert.ok(corpus.documents.length > 10_000, `${corpus.documents.length} documents`);
  assert.equal(corpus.text, corpus.documents.join("\n\n"));
  assert.ok(!CONTROL.test(corpus.text), "no backspaces, bells or other control characters are left");
  assert.ok(corpus.documents.every((d) => d.length > 0 && !/^%$/m.test(d) && d === d.trimEnd()), "separators are gone");
  const vocab = CharTokenizer.fromText(corpus.text).vocabSize;
  assert.ok(vocab > 90 && vocab < 140, `${vocab} distinct characters`);
  assert.match(corpus.source, /^(Debian package fortunes |copied from )/);
  assert.match(corpus.license, /BSD/);
  assert.equal(corpusStatus("fortunes").ready, true);
});

test("dhammapada: 26 numbered chapters whose verses end with their numbers, up to 423", () => {
  const { documents, license } = loadCorpus("dhammapada");
  const chapters = documents.filter((d) => /^\d+\. [A-Z][^\n]*$/.test(d)).map((d) => parseInt(d, 10));
  assert.deepEqual(chapters, Array.from({ length: 26 }, (_, i) => i + 1));
  const verseNumbers = documents.filter((d) => !/^\d+\. /.test(d)).map((d) => Number(/(\d+)$/.exec(d)?.[1]));
  assert.ok(verseNumbers.every((n, i) => n > 0 && (i === 0 || n > verseNumbers[i - 1])), "every verse paragraph ends with a rising verse number");
  assert.equal(verseNumbers[0], 1);
  assert.equal(verseNumbers[verseNumbers.length - 1], 423);
  const fortuneChars = new Set(loadCorpus("fortunes").text);
  assert.deepEqual([...new Set(documents.join(""))].filter((c) => !fortuneChars.has(c)), [], "same alphabet as the main corpus");
  assert.match(license, /public domain/i);
});

function withDataDir<T>(run: () => T): T {
  const saved = process.env.COURSE_DATA_DIR;
  process.env.COURSE_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-test-"));
  try {
    return run();
  } finally {
    fs.rmSync(process.env.COURSE_DATA_DIR, { recursive: true, force: true });
    if (saved === undefined) delete process.env.COURSE_DATA_DIR;
    else process.env.COURSE_DATA_DIR = saved;
  }
}

test("from a folder: the files are imported when their checksums match, and a changed file is refused", () => {
  prepareCorpus("dhammapada");
  const [file] = Object.keys(CORPORA.dhammapada.files);
  const original = fs.readFileSync(path.join(corpusDir("dhammapada"), file));
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-from-"));
  try {
    fs.writeFileSync(path.join(folder, file), original);
    withDataDir(() => {
      assert.equal(prepareCorpus("dhammapada", { from: folder }), `copied from ${folder}`);
      assert.equal(corpusStatus("dhammapada").ready, true);
    });
    const changed = Buffer.from(original);
    changed[1000] ^= 1;
    fs.writeFileSync(path.join(folder, file), changed);
    withDataDir(() => {
      assert.throws(() => prepareCorpus("dhammapada", { from: folder }), (err: Error) => err instanceof CorpusUnavailableError && /has SHA-256 [0-9a-f]{64}, expected/.test(err.message) && !err.message.includes("\n"));
      assert.equal(corpusStatus("dhammapada").ready, false, "nothing is marked ready");
      assert.throws(() => prepareCorpus("fortunes", { from: folder }), /lacks art, computers, cookie and 34 more/);
    });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test("without apt-get and without a cache, the error is one line that says what to run", () => {
  const savedPath = process.env.PATH;
  process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "no-apt-")); // an empty PATH: no sh, no apt-get
  try {
    withDataDir(() =>
      assert.throws(() => loadCorpus("fortunes"), (err: Error) => /not available: apt-get\/dpkg-deb are not available.*apt-get update.*prepareCorpus\("fortunes", \{ from: DIR \}\)/.test(err.message) && !err.message.includes("\n")),
    );
  } finally {
    fs.rmSync(process.env.PATH, { recursive: true, force: true });
    process.env.PATH = savedPath;
  }
});

test("a seeded split keeps whole documents apart and is the same every time", () => {
  const docs = Array.from({ length: 50 }, (_, i) => `doc ${i}`);
  const a = splitDocuments(docs, 0.2, 7);
  assert.equal(a.heldOut.length, 10);
  assert.deepEqual([...a.train, ...a.heldOut].sort(), [...docs].sort());
  assert.deepEqual(splitDocuments(docs, 0.2, 7), a);
  assert.notDeepEqual(splitDocuments(docs, 0.2, 8).heldOut, a.heldOut);
});
