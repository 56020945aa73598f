// Registers tfjs's "wasm" backend on its multithreaded SIMD build in Node, with pthreads running on worker_threads.
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { BackendWasm, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import createModule from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js";

type Cwrap = (name: string, ret: string | null, args: string[]) => (...args: number[]) => number;
const { wasmWorkerContents } = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js") as {
  wasmWorkerContents: string;
};

const mainScript = require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js");
const wasmOut = path.dirname(mainScript);

// tfjs ships the pthread worker as a string and starts it from a blob: URL, which Node's Worker rejects.
// A data: URL works from src/ (tsx) and dist/ alike; the script expects CommonJS's `require` and `__filename`,
// and its "\n" escapes were unescaped by the template literal it is shipped in (tfjs re-escapes them too).
const workerUrl = new URL(
  "data:text/javascript," +
    encodeURIComponent(`import { createRequire } from "node:module";
new Function("require", "__filename", ${JSON.stringify(wasmWorkerContents.replace(/\n/g, "\\n"))})(createRequire(${JSON.stringify(mainScript)}), ${JSON.stringify(mainScript)});`),
);

/** Replaces the stock "wasm" backend factory with one that loads the threaded build using `threads` threads. */
export function registerThreadedWasm(threads: number, priority = 2): void {
  setThreadsCount(threads);
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", async () => {
    // Emscripten starts a pool of 8 workers; each pipes its stdio into ours, which trips Node's listener-leak warning.
    for (const stream of [process.stdout, process.stderr]) stream.setMaxListeners(stream.getMaxListeners() + 8);
    const module = await createModule({
      mainScriptUrlOrBlob: mainScript,
      // Emscripten passes this straight to `new Worker()`, which accepts a URL object.
      locateFile: (file) => (file.endsWith(".worker.js") ? (workerUrl as unknown as string) : path.join(wasmOut, file)),
      // The build caps its thread pool at half the logical cores (assuming hyper-threading), so report twice the
      // threads wanted. Imports can only be changed by instantiating the module ourselves.
      instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
        imports.env.emscripten_num_logical_cores = () => 2 * threads;
        const binary = fs.readFileSync(path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.wasm"));
        WebAssembly.instantiate(binary, imports as WebAssembly.Imports).then((r) => receive(r.instance, r.module));
        return {};
      },
    });
    // The same bridge tfjs's own init() sets up.
    const cwrap = (module as unknown as { cwrap: Cwrap }).cwrap;
    module.tfjs = {
      init: cwrap("init", null, []),
      initWithThreadsCount: cwrap("init_with_threads_count", null, ["number"]),
      getThreadsCount: cwrap("get_threads_count", "number", []),
      registerTensor: cwrap("register_tensor", null, ["number", "number", "number"]),
      disposeData: cwrap("dispose_data", null, ["number"]),
      dispose: cwrap("dispose", null, []),
    };
    const backend = new BackendWasm(module); // starts XNNPACK's pool of threads-1 pthreads
    // Pool threads only work while the main thread waits for them synchronously, so they need not keep Node alive.
    for (const worker of (module as unknown as { PThread: { runningWorkers: { unref(): void }[] } }).PThread.runningWorkers) worker.unref();
    return backend;
  }, priority);
}
