// What the course's datasets are, wherever they are loaded from: names, files, class names, the error for a
// dataset that cannot be had, and the digit set's fallback. src/datasets.ts loads them in Node (cache, npm,
// download, Debian); src/datasets.browser.ts loads them in a web page, from the site.
import type { Split } from "./splits";

export type DatasetName = "mnist" | "fashion-mnist" | "digits-opencv";
export const DATASET_NAMES: DatasetName[] = ["mnist", "fashion-mnist", "digits-opencv"];

export interface Dataset {
  name: DatasetName;
  source: string; // where the files came from
  train: Split; // images (N, 28, 28) uint8, labels (N,) uint8
  test: Split;
  classNames: string[];
}

export type DatasetStatus = { name: DatasetName; ready: boolean; source?: string; problem?: string };

export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
};

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
export const CLASS_NAMES: Record<DatasetName, string[]> = {
  mnist: DIGITS,
  "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
  "digits-opencv": DIGITS,
};

export class DatasetUnavailableError extends Error {
  constructor(readonly dataset: DatasetName, readonly reason: string) {
    super(`${dataset} is not available: ${reason}`);
  }
}

/**
 * The course's digit set: mnist when `loadMnist` can have it, otherwise digits-opencv. The fallback is announced
 * on one loud line and recorded in `fallbackReason`.
 */
export async function digitsWithFallback(loadMnist: () => Promise<Dataset>, loadOpencv: () => Promise<Dataset>): Promise<Dataset & { fallbackReason?: string }> {
  try {
    return await loadMnist();
  } catch (err) {
    if (!(err instanceof DatasetUnavailableError)) throw err;
    const fallbackReason = err.reason.split(" — ")[0];
    console.warn(`*** DATASET FALLBACK: mnist is not available, using digits-opencv (5,000 OpenCV digits: 4,000 train / 1,000 test). Why: ${fallbackReason}`);
    return { ...(await loadOpencv()), fallbackReason };
  }
}
