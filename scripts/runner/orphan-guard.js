// Preloaded into every kernel (node -r): the runner holds the kernel's stdin pipe, so when the runner
// dies in any way (even SIGKILL) the pipe ends and the kernel exits instead of living on as an orphan.
// The pipe is unref'd so that it never keeps a kernel alive that is shutting down by itself.
// Worker threads (the wasm backend's thread pool) inherit the preload but have no stdin of their own.
if (require("node:worker_threads").isMainThread) {
  process.stdin.on("end", () => process.exit(1));
  process.stdin.on("error", () => process.exit(1));
  process.stdin.resume();
  process.stdin.unref();
}
