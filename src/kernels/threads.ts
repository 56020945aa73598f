// Runs the course's SIMD kernels (simd/kernels.as.ts) on every core. tfjs's threaded wasm build keeps its threads for
// XNNPACK, and our kernels, called from JavaScript, would run on the main thread only. So the course starts helper
// workers of its own (threads − 1 of them), each with an instance of the same kernels on the same shared memory.
// A call is split into parts (every kernel ends with `part, parts` and writes only its own share); the main thread and
// the helpers claim parts from one atomic counter until none are left, and the main thread returns when all are done.
// A helper that has not started yet, or is slow to wake, costs nothing but its share: the main thread claims the rest.
import { spawnKernelWorker } from "../platform";

// The control block (Int32 slots of a SharedArrayBuffer).
const JOB = 0; // (tag << 20) | (parts << 10) | next part to claim: one word, so a claim can never mix two jobs
const DONE = 1; // parts finished
const WAKE = 2; // bumped once per job; helpers sleep on it
const ERROR = 3; // set when a part threw in a helper
const KERNEL = 4; // index into the kernel names
const NARGS = 5;
const HELPED = 6; // parts run by helpers, ever
const ARGS = 8;
const MAX_ARGS = 56;
const SLOTS = ARGS + MAX_ARGS;
const MAX_PARTS = 1023;

/**
 * The helpers' program, plain JavaScript (it must not depend on a bundler's or transpiler's helpers). Node runs it with
 * `workerData`, a page's Worker receives the same object as its first message; see `spawnKernelWorker`.
 */
export const helperSource = `"use strict";
function start(data) {
  const exports = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports;
  const kernels = data.names.map((name) => exports[name]);
  const c = new Int32Array(data.control);
  let seen = Atomics.load(c, ${WAKE});
  for (;;) {
    Atomics.wait(c, ${WAKE}, seen);
    seen = Atomics.load(c, ${WAKE});
    for (;;) {
      const job = Atomics.load(c, ${JOB});
      const next = job & 1023, parts = (job >>> 10) & 1023;
      if (next >= parts) break;
      if (Atomics.compareExchange(c, ${JOB}, job, job + 1) !== job) continue;
      try {
        const n = c[${NARGS}];
        const args = new Array(n + 2);
        for (let i = 0; i < n; i++) args[i] = c[${ARGS} + i];
        args[n] = next;
        args[n + 1] = parts;
        kernels[c[${KERNEL}]].apply(null, args);
      } catch (e) {
        Atomics.store(c, ${ERROR}, 1);
      }
      Atomics.add(c, ${HELPED}, 1);
      Atomics.add(c, ${DONE}, 1);
      Atomics.notify(c, ${DONE});
    }
  }
}
`;

type Kernel = (...args: number[]) => void;

export class KernelThreads {
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly index = new Map<string, number>();
  private tag = 0;
  /** Whether this thread may block in Atomics.wait (Node's main thread may, a page's may not). */
  private readonly canBlock: boolean;

  /**
   * `own` are this thread's instances of the kernels; `helpers` workers get their own instances of `module` on `memory`
   * (which must be shared). With no helpers every call runs its parts here, one after the other.
   */
  constructor(private readonly own: Record<string, Kernel>, names: string[], module: WebAssembly.Module, memory: WebAssembly.Memory, helpers: number) {
    names.forEach((name, i) => this.index.set(name, i));
    this.control = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
    let started = 0;
    for (let i = 0; i < helpers; i++) {
      try {
        spawnKernelWorker(helperSource, { module, memory, control: this.control.buffer, names });
        started++;
      } catch {
        break; // e.g. a page whose content security policy forbids workers: the threads that did start share the work
      }
    }
    this.threads = 1 + started;
    let canBlock = true;
    try {
      Atomics.wait(this.control, DONE, 1, 0); // "not-equal" at once where blocking is allowed, a TypeError where it is not
    } catch {
      canBlock = false;
    }
    this.canBlock = canBlock;
  }

  /** How many parts the helpers have run. */
  helped(): number {
    return Atomics.load(this.control, HELPED);
  }

  /** Runs kernel `name` with `args` (integers: pointers and sizes) split into `parts` parts, on every thread. */
  run(name: string, args: number[], parts = this.threads): void {
    const kernel = this.own[name];
    const k = this.index.get(name);
    if (!kernel || k === undefined) throw new Error(`The course's wasm kernels have no "${name}" (rebuild with "npm run build").`);
    parts = Math.max(1, Math.min(MAX_PARTS, Math.floor(parts)));
    if (this.threads === 1 || parts === 1) {
      for (let p = 0; p < parts; p++) kernel(...args, p, parts);
      return;
    }
    if (args.length > MAX_ARGS) throw new Error(`kernel ${name}: ${args.length} arguments, at most ${MAX_ARGS}`);
    const c = this.control;
    c[KERNEL] = k;
    c[NARGS] = args.length;
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]; // pointers above 2³¹ keep their bits
    Atomics.store(c, ERROR, 0);
    Atomics.store(c, DONE, 0);
    this.tag = (this.tag + 1) & 2047;
    Atomics.store(c, JOB, (this.tag << 20) | (parts << 10)); // publishes the arguments written above
    Atomics.add(c, WAKE, 1);
    Atomics.notify(c, WAKE);
    for (;;) {
      const job = Atomics.load(c, JOB);
      const next = job & 1023;
      if (next >= parts) break;
      if (Atomics.compareExchange(c, JOB, job, job + 1) !== job) continue;
      kernel(...args, next, parts);
      Atomics.add(c, DONE, 1);
    }
    // The helpers' last parts: spin briefly (they are usually nearly done), then sleep until notified.
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(c, DONE);
      if (done >= parts) break;
      if (this.canBlock && spins > 2000) Atomics.wait(c, DONE, done, 1);
    }
    if (Atomics.load(c, ERROR)) throw new Error(`The course's wasm kernel ${name} failed in a helper thread.`);
  }
}
