// The course's text corpora, wherever they are read: what each is (its Debian package, files and their SHA-256s,
// licence), how its files become documents, and the seeded train/held-out split. src/text-corpus.ts gets and caches
// the files in Node; src/text-corpus.browser.ts reads the copies the site serves.
import { seededPermutation } from "./seeded-random";

export type CorpusName = "fortunes" | "dhammapada";
export const CORPUS_NAMES: CorpusName[] = ["fortunes", "dhammapada"];

export interface CorpusSpec {
  description: string;
  package: string; // the Debian package holding the files
  version: string; // the package version the checksums were taken from
  dir: string; // where the files sit inside the package
  files: Record<string, string>; // file name → SHA-256 of its bytes
  license: string;
  documents: (files: string[]) => string[]; // file contents (in `files` order) → documents
}

/** Fortune files are separated by lines holding only "%". */
const splitFortunes = (file: string) => cleanTerminalText(file).split(/^%$/m).map((d) => d.replace(/^\n+|\s+$/g, "")).filter(Boolean);

const DHAMMAPADA_START = "The Dhammapada\n(An Anthology of Verses)\n";
const DHAMMAPADA_END = "The End. (Translation by John Richards)";

export const CORPORA: Record<CorpusName, CorpusSpec> = {
  // Every file of the package except ascii-art (pictures, not prose) and ethnic and men-women (jokes at the expense
  // of groups of people). Debian keeps the offensive fortunes in another package, fortunes-off, not used here.
  fortunes: {
    description: "fortune cookies: quotations, jokes, definitions and short poems from the BSD fortune program, about 2.3 MB of English",
    package: "fortunes",
    version: "1:1.99.1-7.3",
    dir: "/usr/share/games/fortunes",
    files: {
      art: "600b8197bc994fd4fcbb623aa5e700629540af44f044d4907886bd1031f160ce",
      computers: "a86be224d9f733b88eeaf8a46ea0427e05cc69c69edcf5f6db47ddf561ca37fd",
      cookie: "5dc97eee96dcc5287c373be629482730d45f77b59da1287933c9c5f482a055eb",
      debian: "491dd04bf909b64152bcb554b9bc88df0ca50c0dc676d74d10742bf38aaa50de",
      definitions: "57be4744c353d931fa2ca95f50215d4b67539f5a527ae628a6441fb4a1258caa",
      disclaimer: "c085d66ea68686d5e28852cef77c3eeb3640895c5647b148deeaaada2c07fa7b",
      drugs: "a5a59ee8b0e1fd3085a38dfa29149fe9a2c8d7f256b74aea71aa2cc08a9990c1",
      education: "ba13321d6d6beb7a6e65296a47450bfc87b24a319fff2e94762011b59a31aa35",
      food: "78077a65b9288df71e7b2a8e8258cd3b1005d1282f7c7e57ad53927f374df45d",
      goedel: "9d447862c803f22cdf7bb26cb70cca1a7f8a2a7992f2793ddcb43cfcf3302ab0",
      humorists: "ffdf67e1f4049133bf904b769c364de45e5ae0abfb3ea7c9afb54b87b89acfc4",
      kids: "82e51834990afd36f2ea2f25864b368e2f44f9c761aba034035b26061de6d5be",
      knghtbrd: "c25e8373b38a6f159a7b1d336f363d5c962224a6ddcc86279dec47aad3c869b3",
      law: "f04141f94e788b7899e0adb0490d182ce711f8fdbb8252343a5257e717e9279d",
      linux: "85b0e5eadf7adeea77da4e1fbd456c962ce3bd1dabbd053098ecf37de9169cf3",
      linuxcookie: "4f75959924ae5bb1955c30a5c985e641ec17cd5ebb7453d839f94b1988331202",
      love: "4d4fb7c540e5500e44643524dae41dd7d2b21b80be184253fd9f8541f6029fc5",
      magic: "b9553a1d84d966db55a24a779206cc4565bf3686c9ecbc31215f654129e3166e",
      medicine: "18b8c7b098e649024159c9d9f3e37a0832bbd2d5cf3e2317b313134761afd487",
      miscellaneous: "e3d81fd016f9f84a70ecb9aa197c4911aca01a8034e49345b81093f6751bba9c",
      news: "4b8eebae510353d6f628dfdaf52bf8cbdafb891a122b146421c805b74f389617",
      paradoxum: "85228975016fe975065eaf0baf55980d32d26f9e2fa99f69da4696d11ac02036",
      people: "2afb4b9f577be114d2dca279bc5590ee8415e1405295d7d7626c888d82f338e8",
      perl: "b19145eadf97c31add2e0a199d93ffa0eb92e00275c2724b7ad6b4e412113536",
      pets: "084472564bc55df566733a224f8a737d78717132ec43628be0c2af466ac41ecc",
      platitudes: "88448274efec3d2c0908cc11525c9b065b95a32c232a2c58c67a87dd88545ee5",
      politics: "b56ca45a046edd5c459090a5c6b335332661b436e814b41ac87bb58065ad6131",
      pratchett: "48410754f1b2091f418ac27421d2764628b23c91427b12809031cf2b39be5b0e",
      science: "7ab350b142ee6c70c1d8517c5a1b3790c09b190a62859427cad98e6e35a19fcc",
      "songs-poems": "eb714d297b468da91b6ca32baefb000279a3e3740b09f8a87db24fe58e010b1a",
      sports: "b71dd524d7bca888ec1014fb849a8a15cf58017c59127e572d393ef7632c35c8",
      startrek: "7b2e4c235b99452b2de4c47d67aae0faac2ea508a2d644609e4ef5db7653c39c",
      tao: "4adddc35a122bb233a16c076abc0be0326ea3a68594146a6baee3b5f6489e12b",
      "translate-me": "a183879cf46ee4a6176f6b9f0f31adb6abfc6333b64f8fbebeba57017c81e12e",
      wisdom: "9b0bd6b9331a68c9172219784a411c417c055ed69734edc7b4406795b87d4e94",
      work: "ad8a0e104160e2c4782fa86e143cd60ffab2872985d4293ffd0af6df19dbfa28",
      zippy: "b996a112c99a2d61782e1a9a1f3c5445122f18ac312485f2c78279e82ca33932",
    },
    license: "BSD-3-Clause (fortune-mod, © 1991 The Regents of the University of California; see Debian's /usr/share/doc/fortunes/copyright)",
    documents: (files) => files.flatMap(splitFortunes),
  },
  // The second text, for fine-tuning: another author and a very different style (numbered verses), same alphabet.
  dhammapada: {
    description: "the Dhammapada, 423 Buddhist verses in 26 chapters, translated from Pali by John Richards (1993), about 65 KB of English",
    package: "display-dhammapada",
    version: "1.0-0.1+b1",
    dir: "/usr/share/display-dhammapada",
    files: { "dhammapada-english-transl.txt": "ecf2c0aaa251cf370987d5f796b92bf45ea4ad57448881d2fa678c02654c58e8" },
    license: "public domain (Debian's /usr/share/doc/display-dhammapada/copyright: \"Public Domain, as explained at http://creativecommons.org/licenses/publicdomain\")",
    // The verses only: the translator's introduction before them and the closing line are left out.
    documents: ([file]) => {
      const start = file.indexOf(DHAMMAPADA_START) + DHAMMAPADA_START.length;
      return file.slice(start, file.indexOf(DHAMMAPADA_END)).split(/\n\s*\n/).map((d) => d.trim()).filter(Boolean);
    },
  },
};

/**
 * Text as a terminal would show it: a backspace erases the character before it on its line (old fortune files
 * underline and embolden with "_\bx" and "x\bx"), and other control characters (bells, stray C1 codes) are dropped.
 */
export function cleanTerminalText(text: string): string {
  return text.split("\n").map(cleanLine).join("\n");
}

const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/; // Unicode's control characters (Cc), except tab

function cleanLine(line: string): string {
  if (!CONTROL.test(line)) return line; // almost every line: no work
  const out: string[] = [];
  for (const c of line) {
    if (c === "\b") out.pop();
    else if (!CONTROL.test(c)) out.push(c);
  }
  return out.join("");
}

export interface Corpus {
  name: CorpusName;
  documents: string[];
  text: string; // the documents joined by blank lines
  source: string; // where the cached files came from, e.g. "Debian package fortunes 1:1.99.1-7.3"
  license: string;
  description: string;
}

export class CorpusUnavailableError extends Error {
  constructor(readonly corpus: CorpusName, readonly reason: string) {
    super(`text corpus ${corpus} is not available: ${reason}`);
  }
}

/** A corpus's documents, from its files' text (in CORPORA's file order), with where they came from. */
export function corpusFrom(name: CorpusName, files: string[], source: string): Corpus {
  const spec = CORPORA[name];
  const documents = spec.documents(files);
  return { name, documents, text: documents.join("\n\n"), source, license: spec.license, description: spec.description };
}

/** A seeded split of documents into training and held-out text, whole documents on each side. */
export function splitDocuments(documents: string[], heldOutFraction: number, seed: number): { train: string[]; heldOut: string[] } {
  const order = Array.from(seededPermutation(documents.length, seed));
  const cut = Math.round(documents.length * heldOutFraction);
  return { heldOut: order.slice(0, cut).map((i) => documents[i]), train: order.slice(cut).map((i) => documents[i]) };
}
