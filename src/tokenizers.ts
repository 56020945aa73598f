// Tokenizers: text → integer ids → text. One id per character first; then byte-pair encoding (BPE, as in GPT-2),
// which starts from the 256 byte values and learns to merge the most frequent adjacent pair into a new token.

export interface Tokenizer {
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: ArrayLike<number>): string;
}

/**
 * One token per character (Unicode code point) seen in the training text, in code-point order, after id 0,
 * which is reserved for characters the text never contained: they encode to UNKNOWN_ID and decode as "�",
 * so a round trip is exact exactly when `unknownCharacters(text)` is empty.
 */
export class CharTokenizer implements Tokenizer {
  static readonly UNKNOWN = "\uFFFD";
  static readonly UNKNOWN_ID = 0;
  readonly chars: string[]; // id → character, chars[0] = UNKNOWN
  private readonly ids: Map<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = [CharTokenizer.UNKNOWN, ...[...new Set(chars)].filter((c) => c !== CharTokenizer.UNKNOWN)];
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** The vocabulary of `text`: every distinct character, sorted by code point. */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  encode(text: string): number[] {
    return Array.from(text, (c) => this.ids.get(c) ?? CharTokenizer.UNKNOWN_ID);
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (id) => this.chars[id] ?? CharTokenizer.UNKNOWN).join("");
  }

  /** The distinct characters of `text` that are not in the vocabulary (they would encode to UNKNOWN_ID). */
  unknownCharacters(text: string): string[] {
    return [...new Set(text)].filter((c) => !this.ids.has(c));
  }
}

// GPT-2's pre-tokenisation: contractions, words with their leading space, numbers, punctuation runs, whitespace.
// Merges never cross these chunks, so " the" can become one token but "e t" never can.
const CHUNK = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Splits text into the chunks BPE works within; joined, they give the text back exactly. */
export function preTokenize(text: string): string[] {
  return text.match(CHUNK) ?? [];
}

const encoder = new TextEncoder();
const PAIR = 2 ** 20; // a pair of token ids packed into one number: left · PAIR + right
const decoder = new TextDecoder(); // replaces an incomplete UTF-8 sequence with "�" rather than throwing

/** Byte-pair encoding: token i < 256 is byte i; token 256 + m is merges[m] = [left, right] joined. */
export class BytePairTokenizer implements Tokenizer {
  readonly merges: ReadonlyArray<readonly [number, number]>;
  private readonly rank: Map<number, number>; // pair (packed) → merge index: lower merges apply first
  private readonly bytes: Uint8Array[]; // token id → its bytes
  private readonly cache = new Map<string, number[]>();

  constructor(merges: ReadonlyArray<readonly [number, number]>) {
    this.merges = merges;
    this.rank = new Map(merges.map(([a, b], m) => [a * PAIR + b, m]));
    this.bytes = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
    merges.forEach(([a, b], m) => {
      if (a >= 256 + m || b >= 256 + m) throw new Error(`BPE merge ${m} uses token ${Math.max(a, b)}, which does not exist yet`);
      this.bytes.push(Uint8Array.from([...this.bytes[a], ...this.bytes[b]]));
    });
  }

  get vocabSize(): number {
    return 256 + this.merges.length;
  }

  /** The same tokenizer with only its first `count` merges: vocabulary 256 + count. */
  withMerges(count: number): BytePairTokenizer {
    return new BytePairTokenizer(this.merges.slice(0, count));
  }

  tokenBytes(id: number): Uint8Array {
    return this.bytes[id];
  }

  /** A token as text, e.g. " the"; a token holding part of a multi-byte character shows "�". */
  tokenText(id: number): string {
    return decoder.decode(this.bytes[id]);
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const chunk of preTokenize(text)) for (const id of this.encodeChunk(chunk)) ids.push(id);
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    const parts = Array.from(ids, (id) => this.bytes[id]);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return decoder.decode(out);
  }

  // As GPT-2 encodes: repeatedly apply the earliest-learned merge present in the chunk, until none applies.
  private encodeChunk(chunk: string): number[] {
    const cached = this.cache.get(chunk);
    if (cached) return cached;
    let ids = Array.from(encoder.encode(chunk));
    for (;;) {
      let best = Infinity;
      for (let i = 0; i + 1 < ids.length; i++) best = Math.min(best, this.rank.get(ids[i] * PAIR + ids[i + 1]) ?? Infinity);
      if (best === Infinity) break;
      ids = mergePair(ids, this.merges[best], 256 + best);
    }
    this.cache.set(chunk, ids);
    return ids;
  }
}

/** `ids` with every non-overlapping occurrence of pair (left to right) replaced by `token`. */
export function mergePair(ids: number[], [a, b]: readonly [number, number], token: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
      out.push(token);
      i++;
    } else out.push(ids[i]);
  }
  return out;
}

export interface BPETraining {
  tokenizer: BytePairTokenizer;
  /** How often each merged pair occurred in the text when it was chosen: a falling curve. */
  pairCounts: number[];
}

/**
 * Learns `numMerges` merges from `text`. Each step takes the most frequent adjacent pair of tokens (within chunks,
 * weighted by how often each chunk occurs), merges it into a new token everywhere, and repeats. Ties go to the
 * smaller pair, so training is deterministic. Stops early when no pair occurs twice. The pair counts are kept up
 * to date instead of recounted: a merge only changes the chunks that contain its pair.
 */
export function trainBPE(text: string, numMerges: number): BPETraining {
  const chunkCounts = new Map<string, number>();
  for (const chunk of preTokenize(text)) chunkCounts.set(chunk, (chunkCounts.get(chunk) ?? 0) + 1);
  const words = [...chunkCounts].map(([chunk, count]) => ({ ids: Array.from(encoder.encode(chunk)), count }));
  const counts = new Map<number, number>(); // pair → occurrences in the text
  const where = new Map<number, Set<number>>(); // pair → the words that (may) contain it
  const tally = (w: number, sign: 1 | -1) => {
    const { ids, count } = words[w];
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = ids[i] * PAIR + ids[i + 1];
      counts.set(key, (counts.get(key) ?? 0) + sign * count);
      if (sign > 0) where.set(key, (where.get(key) ?? new Set()).add(w));
    }
  };
  words.forEach((_, w) => tally(w, 1));
  const merges: [number, number][] = [];
  const pairCounts: number[] = [];
  while (merges.length < numMerges) {
    let bestKey = -1;
    let bestCount = 1;
    for (const [key, count] of counts) if (count > bestCount || (count === bestCount && bestKey >= 0 && key < bestKey)) [bestKey, bestCount] = [key, count];
    if (bestKey < 0) break;
    const pair: [number, number] = [Math.floor(bestKey / PAIR), bestKey % PAIR];
    const token = 256 + merges.length;
    for (const w of [...where.get(bestKey)!]) {
      tally(w, -1);
      words[w].ids = mergePair(words[w].ids, pair, token);
      tally(w, 1);
    }
    counts.delete(bestKey);
    where.delete(bestKey);
    merges.push(pair);
    pairCounts.push(bestCount);
  }
  return { tokenizer: new BytePairTokenizer(merges), pairCounts };
}

export interface LengthAtVocabSize {
  vocabSize: number;
  tokens: number; // length of the encoded text
  charsPerToken: number;
}

/** Encoded length of `text` when the tokenizer keeps only its first merges, for each vocabulary size asked for. */
export function lengthByVocabSize(bpe: BytePairTokenizer, text: string, vocabSizes: number[]): LengthAtVocabSize[] {
  const chars = Array.from(text).length;
  return vocabSizes.map((vocabSize) => {
    if (vocabSize < 256 || vocabSize > bpe.vocabSize) throw new Error(`vocabulary size ${vocabSize} is outside 256..${bpe.vocabSize}`);
    const tokens = bpe.withMerges(vocabSize - 256).encode(text).length;
    return { vocabSize, tokens, charsPerToken: chars / tokens };
  });
}
