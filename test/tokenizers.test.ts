import { test } from "node:test";
import assert from "node:assert/strict";
import { seededRandom } from "../src/seeded-random";
import { BytePairTokenizer, CharTokenizer, lengthByVocabSize, mergePair, preTokenize, trainBPE } from "../src/tokenizers";

const SAMPLE = "It's 2 o'clock.  The cat's hat — naïve café, 42 times!\n\tDone 😀.\n";

test("character tokenizer: id 0 is reserved for unknowns, the rest are the text's characters in code-point order", () => {
  const tok = CharTokenizer.fromText("hello");
  assert.deepEqual(tok.chars, ["\uFFFD", "e", "h", "l", "o"]);
  assert.equal(tok.vocabSize, 5);
  assert.deepEqual(tok.encode("hello"), [2, 1, 3, 3, 4]);
  assert.equal(tok.decode([4, 3, 1]), "ole");
});

test("character tokenizer: a round trip is exact, including characters outside the BMP", () => {
  const tok = CharTokenizer.fromText(SAMPLE);
  assert.equal(tok.decode(tok.encode(SAMPLE)), SAMPLE);
  assert.equal(tok.encode("😀").length, 1, "an emoji is one character, not two UTF-16 halves");
  assert.deepEqual(tok.unknownCharacters(SAMPLE), []);
});

test("character tokenizer: unknown characters become id 0 and decode as �, and are listed", () => {
  const tok = CharTokenizer.fromText("hello");
  assert.deepEqual(tok.encode("hex"), [2, 1, 0]);
  assert.equal(tok.decode(tok.encode("hex!")), "he\uFFFD\uFFFD");
  assert.deepEqual(tok.unknownCharacters("hex!x"), ["x", "!"]);
});

test("pre-tokenisation splits words with their leading space and gives the text back exactly", () => {
  assert.deepEqual(preTokenize("the cat's  hat"), ["the", " cat", "'s", " ", " hat"]);
  assert.equal(preTokenize(SAMPLE).join(""), SAMPLE);
});

test("BPE learns the textbook example: aa, then ab, then aa+ab", () => {
  // "aaabdaaabac": pairs aa×4 (overlapping), then (aa,a)×2 ties with ab×2 and the smaller pair ab wins, then (aa,ab)×2.
  const { tokenizer, pairCounts } = trainBPE("aaabdaaabac", 10);
  assert.deepEqual(tokenizer.merges, [[97, 97], [97, 98], [256, 257]]);
  assert.deepEqual(pairCounts, [4, 2, 2], "stops when no pair occurs twice");
  assert.equal(tokenizer.vocabSize, 259);
  assert.deepEqual(tokenizer.encode("aaabdaaabac"), [258, 100, 258, 97, 99]);
  assert.equal(tokenizer.tokenText(258), "aaab");
});

test("BPE's running pair counts give the same merges as recounting every pair at every step", () => {
  // The plainest BPE, as a reference: recount all pairs, take the most frequent (smaller pair on a tie), merge.
  function reference(text: string, numMerges: number): [number, number][] {
    let words = preTokenize(text).map((chunk) => Array.from(Buffer.from(chunk, "utf8")));
    const merges: [number, number][] = [];
    while (merges.length < numMerges) {
      const counts = new Map<string, number>();
      for (const ids of words) for (let i = 0; i + 1 < ids.length; i++) counts.set(`${ids[i]} ${ids[i + 1]}`, (counts.get(`${ids[i]} ${ids[i + 1]}`) ?? 0) + 1);
      const pairs = [...counts].filter(([, c]) => c >= 2).map(([k, c]) => ({ pair: k.split(" ").map(Number) as [number, number], c }));
      if (!pairs.length) break;
      pairs.sort((x, y) => y.c - x.c || x.pair[0] - y.pair[0] || x.pair[1] - y.pair[1]);
      merges.push(pairs[0].pair);
      words = words.map((ids) => mergePair(ids, pairs[0].pair, 255 + merges.length));
    }
    return merges;
  }
  const random = seededRandom(1);
  const letters = "aab bc.é";
  const text = Array.from({ length: 3000 }, () => letters[Math.floor(random() * letters.length)]).join("");
  assert.deepEqual(trainBPE(text, 80).tokenizer.merges, reference(text, 80));
});

test("mergePair replaces occurrences left to right without overlaps", () => {
  assert.deepEqual(mergePair([1, 1, 1, 2, 1, 1], [1, 1], 9), [9, 1, 2, 9]);
});

test("BPE: merges stay inside chunks, the round trip is exact, and unseen text still encodes", () => {
  const text = "the cat sat on the mat. the hat sat on the cat! ".repeat(20);
  const { tokenizer } = trainBPE(text, 40);
  assert.ok(tokenizer.vocabSize > 256 + 10);
  for (let id = 256; id < tokenizer.vocabSize; id++) assert.equal(preTokenize(tokenizer.tokenText(id)).length, 1, JSON.stringify(tokenizer.tokenText(id)));
  assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
  assert.equal(tokenizer.decode(tokenizer.encode(SAMPLE)), SAMPLE, "bytes cover everything: no unknown tokens");
  assert.ok(tokenizer.encode(" the cat").length <= 2, "frequent words become single tokens");
});

test("a BPE merge may only use tokens that exist before it", () => {
  assert.throws(() => new BytePairTokenizer([[97, 256]]), /token 256/);
});

test("sequence length falls as the vocabulary grows; with no merges it is the UTF-8 byte count", () => {
  const text = "to be or not to be, that is the question; whether 'tis nobler in the mind to suffer ".repeat(10);
  const { tokenizer } = trainBPE(text, 60);
  const rows = lengthByVocabSize(tokenizer, SAMPLE + text, [256, 276, 296, tokenizer.vocabSize]);
  assert.equal(rows[0].tokens, Buffer.byteLength(SAMPLE + text, "utf8"));
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i].tokens < rows[i - 1].tokens, JSON.stringify(rows));
  assert.equal(rows[3].charsPerToken, Array.from(SAMPLE + text).length / rows[3].tokens);
  assert.throws(() => lengthByVocabSize(tokenizer, text, [tokenizer.vocabSize + 1]), /outside/);
});
