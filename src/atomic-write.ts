// Atomic file writes: write a temp file beside the target, then rename, so readers never see half a file.
import * as fs from "node:fs";
import * as path from "node:path";

let tempCount = 0;

/** A temp name beside `target`, unique within this process even for calls in the same millisecond. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.${tempCount++}.tmp`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
