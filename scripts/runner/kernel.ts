// A tslab kernel process and a Jupyter client for it over ZeroMQ: start, wait until ready, execute, interrupt, stop.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { Dealer, Subscriber } from "zeromq";
import { decode, encode, newMessage, type Message } from "./wire";

export interface ExecuteReply {
  status: "ok" | "error" | "abort";
  execution_count: number | null;
  /** Timestamps in nbclient's `metadata.execution` shape. */
  timing: Record<string, string>;
}

export class KernelDied extends Error {}
export class CellTimeout extends Error {}

const TSLAB = require.resolve("tslab/bin/tslab");
const PRELOADS = ["orphan-guard.js", "zmq-send-fix.js"].flatMap((file) => ["-r", path.join(__dirname, file)]);
const PORTS = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5 };

/** Every kernel this process started and has not yet seen exit; killed when the runner exits. */
const live = new Set<ChildProcess>();
process.on("exit", () => live.forEach(killGroup));

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL"); // detached: the kernel leads its own process group
  } catch {
    // already gone
  }
}

interface Pending {
  onOutput: (msg: Message) => void;
  reply?: Message;
  idle: boolean;
  busyAt?: string;
  idleAt?: string;
  inputAt?: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Kernel {
  private readonly session = randomUUID();
  private readonly shell = new Dealer({ linger: 0 });
  private readonly control = new Dealer({ linger: 0 });
  private readonly iopub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 }); // 0: never drop outputs
  private readonly pending = new Map<string, Pending>();
  private stderrTail = "";
  private iopubSeen = false;
  private exitInfo: string | undefined;
  private sending = Promise.resolve();
  private killing = false;
  readonly exited: Promise<string>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly key: string,
    private readonly dir: string,
  ) {
    live.add(child);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        live.delete(child);
        // V8 says so on stderr; the Linux OOM killer sends a SIGKILL that we did not send.
        const oom = /heap out of memory|Allocation failed/.test(this.stderrTail) || (signal === "SIGKILL" && !this.killing);
        this.exitInfo = `${signal ? `signal ${signal}` : `exit code ${code}`}${oom ? ", out of memory" : ""}`;
        const died = new KernelDied(`kernel died (${this.exitInfo})${this.stderrTail && !oom ? ": " + lastLine(this.stderrTail) : ""}`);
        for (const p of this.pending.values()) p.reject(died);
        resolve(this.exitInfo);
      });
    });
    child.stderr!.on("data", (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)));
    child.stdout!.resume();
  }

  /** Spawns `tslab kernel` in `cwd` (the notebook's folder), with `env` added to ours, and resolves once it answers kernel_info. */
  static async start(cwd: string, startupMs = 60_000, env: Record<string, string> = {}): Promise<Kernel> {
    const dir = mkdtempSync(path.join(tmpdir(), "nbk-"));
    const key = randomBytes(16).toString("hex");
    const connection = { transport: "ipc", ip: path.join(dir, "k"), ...PORTS, key, signature_scheme: "hmac-sha256" };
    const file = path.join(dir, "connection.json");
    writeFileSync(file, JSON.stringify(connection));
    const child = spawn(process.execPath, [...PRELOADS, TSLAB, "kernel", "--config-path", file], {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const kernel = new Kernel(child, key, dir);
    const address = (port: number) => `ipc://${connection.ip}:${port}`;
    kernel.shell.connect(address(PORTS.shell_port));
    kernel.control.connect(address(PORTS.control_port));
    kernel.iopub.connect(address(PORTS.iopub_port));
    kernel.iopub.subscribe();
    kernel.listen();
    try {
      await kernel.waitForReady(startupMs);
    } catch (error) {
      await kernel.kill();
      throw error;
    }
    return kernel;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private async listen(): Promise<void> {
    const readIopub = async () => {
      for await (const frames of this.iopub) {
        this.iopubSeen = true;
        const msg = decode(this.key, frames);
        const p = this.pending.get(msg.parent_header.msg_id ?? "");
        if (!p) continue;
        const type = msg.header.msg_type;
        if (type === "status") {
          const state = (msg.content as { execution_state: string }).execution_state;
          if (state === "busy") p.busyAt = msg.header.date;
          if (state === "idle") {
            p.idle = true;
            p.idleAt = msg.header.date;
            p.resolve();
          }
        } else if (type === "execute_input") {
          p.inputAt = msg.header.date;
        } else {
          p.onOutput(msg);
        }
      }
    };
    const readShell = async () => {
      for await (const frames of this.shell) {
        const msg = decode(this.key, frames);
        const p = this.pending.get(msg.parent_header.msg_id ?? "");
        if (p) {
          p.reply = msg;
          p.resolve();
        }
      }
    };
    // Both loops end when the sockets close; a message that fails to decode fails the waiting requests.
    await Promise.all([readIopub(), readShell()]).catch((error) => {
      if (this.exitInfo) return;
      const broken = new Error(`kernel protocol error: ${(error as Error).message}`);
      for (const p of this.pending.values()) p.reject(broken);
    });
  }

  /** zeromq allows one pending send per socket, so sends are queued. */
  private send(socket: Dealer, frames: string[]): void {
    this.sending = this.sending.then(() => socket.send(frames)).catch(() => {});
  }

  /** Resolves when both the shell reply and iopub's idle status for `msgType` have arrived. */
  private request(msgType: string, content: unknown, onOutput: (msg: Message) => void = () => {}) {
    const msg = newMessage(this.session, msgType, content);
    let settle!: () => void;
    let fail!: (error: Error) => void;
    const done = new Promise<Pending>((resolve, reject) => {
      const p: Pending = {
        onOutput,
        idle: false,
        resolve: () => p.reply && p.idle && resolve(p),
        reject,
      };
      this.pending.set(msg.header.msg_id, p);
      settle = () => this.pending.delete(msg.header.msg_id);
      fail = reject;
    }).finally(() => settle());
    if (this.exitInfo) fail(new KernelDied(`kernel died (${this.exitInfo})`));
    else this.send(this.shell, encode(this.key, msg));
    return { done, fail };
  }

  private async waitForReady(startupMs: number): Promise<void> {
    const deadline = Date.now() + startupMs;
    let ready = false;
    while (!ready) {
      if (Date.now() > deadline) throw new Error(`tslab kernel did not answer within ${startupMs / 1000} s${this.stderrTail ? ": " + lastLine(this.stderrTail) : ""}`);
      const { done, fail } = this.request("kernel_info_request", {});
      const timer = setTimeout(() => fail(new CellTimeout("kernel_info")), 250);
      ready = await done.then(() => this.iopubSeen, (error) => {
        if (error instanceof KernelDied) throw new Error(`tslab kernel failed to start (${this.exitInfo})${this.stderrTail ? ": " + lastLine(this.stderrTail) : ""}`);
        return false;
      });
      clearTimeout(timer);
    }
  }

  /**
   * Runs one cell. Outputs are passed to `onOutput` as they arrive. On timeout the kernel is interrupted
   * (SIGINT) and the promise rejects with CellTimeout; the caller then kills the kernel.
   */
  async execute(code: string, onOutput: (msg: Message) => void, timeoutMs: number): Promise<ExecuteReply> {
    const content = { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true };
    const { done, fail } = this.request("execute_request", content, onOutput);
    const timer = setTimeout(() => {
      this.child.kill("SIGINT");
      fail(new CellTimeout(`cell timed out after ${(timeoutMs / 1000).toFixed(0)} s`));
    }, timeoutMs);
    try {
      const p = await done;
      const reply = p.reply!;
      const replyContent = reply.content as { status: ExecuteReply["status"]; execution_count?: number };
      const timing: Record<string, string> = { "shell.execute_reply": reply.header.date };
      if (p.busyAt) timing["iopub.status.busy"] = p.busyAt;
      if (p.idleAt) timing["iopub.status.idle"] = p.idleAt;
      if (p.inputAt) timing["iopub.execute_input"] = p.inputAt;
      return { status: replyContent.status, execution_count: replyContent.execution_count ?? null, timing };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The kernel process's peak resident memory so far in MB (Linux's VmHWM), or undefined where /proc has none. */
  peakRssMb(): number | undefined {
    try {
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"))?.[1];
      return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
    } catch {
      return undefined;
    }
  }

  /** Asks the kernel to shut down, then makes sure the whole process group is gone. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.exitInfo) {
      this.send(this.control, encode(this.key, newMessage(this.session, "shutdown_request", { restart: false })));
      await Promise.race([this.exited, sleep(graceMs)]);
    }
    await this.kill();
  }

  async kill(): Promise<void> {
    this.killing = true;
    if (!this.exitInfo) {
      killGroup(this.child);
      await this.exited;
    }
    killGroup(this.child); // children the notebook may have left in the group
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
