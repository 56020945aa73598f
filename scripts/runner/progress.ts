// Terminal progress: on a TTY one status line (notebook, cell k/n, elapsed) redrawn in place;
// otherwise (CI logs) one line per cell start and per finished notebook.

interface Running {
  cell: number;
  cells: number;
  started: number;
}

export function elapsed(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}

export class Progress {
  private readonly running = new Map<string, Running>();
  private readonly tty: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  start(name: string): void {
    this.running.set(name, { cell: 0, cells: 0, started: performance.now() });
    if (this.tty && !this.timer) this.timer = setInterval(() => this.draw(), 500).unref();
  }

  cell(name: string, done: number, total: number): void {
    const r = this.running.get(name);
    if (!r) return;
    Object.assign(r, { cell: done, cells: total });
    if (this.tty) this.draw();
    else if (done < total) this.out.write(`  ${name}: cell ${done + 1}/${total}, ${elapsed(this.age(r))}\n`);
  }

  /** Prints the notebook's final line (status, time, optional details). */
  finish(name: string, status: string, seconds: number, details = ""): void {
    this.running.delete(name);
    const mark = status === "ok" || status === "cached" ? "✓" : "✗";
    this.clear();
    this.out.write(`${mark} ${name}  ${status}  ${elapsed(seconds)}\n${details ? details + "\n" : ""}`);
    if (this.running.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    } else if (this.tty) this.draw();
  }

  private age(r: Running): number {
    return (performance.now() - r.started) / 1000;
  }

  private clear(): void {
    if (this.tty) this.out.write("\r\x1b[2K");
  }

  private draw(): void {
    const parts = [...this.running].map(([name, r]) => `${name} ${r.cells ? `cell ${Math.min(r.cell + 1, r.cells)}/${r.cells}` : "starting kernel"} ${elapsed(this.age(r))}`);
    this.clear();
    this.out.write(("▸ " + parts.join(" · ")).slice(0, (this.out.columns || 120) - 1));
  }
}
