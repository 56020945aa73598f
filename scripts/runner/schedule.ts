// Runs tasks at most `jobs` at a time; a task starts only after the tasks it needs have succeeded.
// A task whose need failed is not run: `skipped` reports it.

export interface Task {
  name: string;
  needs: string[];
}

export async function schedule<T extends Task>(
  tasks: T[],
  jobs: number,
  run: (task: T) => Promise<boolean>,
  skipped: (task: T, failedNeed: string) => void,
): Promise<void> {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  checkAcyclic(tasks, byName);
  let free = Math.max(1, jobs);
  const waiting: (() => void)[] = [];
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => (waiting.length ? waiting.shift()!() : free++);

  const outcome = new Map<string, Promise<boolean>>();
  const start = (task: T): Promise<boolean> => {
    if (!outcome.has(task.name)) {
      outcome.set(task.name, (async () => {
        const needs = task.needs.filter((n) => byName.has(n));
        const results = await Promise.all(needs.map((n) => start(byName.get(n)!)));
        const failed = needs.find((_, i) => !results[i]);
        if (failed) {
          skipped(task, failed);
          return false;
        }
        await acquire();
        try {
          return await run(task);
        } finally {
          release();
        }
      })());
    }
    return outcome.get(task.name)!;
  };
  await Promise.all(tasks.map(start));
}

function checkAcyclic(tasks: Task[], byName: Map<string, Task>): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (task: Task, trail: string[]) => {
    if (state.get(task.name) === "done") return;
    if (state.get(task.name) === "visiting") throw new Error(`notebook dependencies form a cycle: ${[...trail, task.name].join(" → ")}`);
    state.set(task.name, "visiting");
    for (const need of task.needs) if (byName.has(need)) visit(byName.get(need)!, [...trail, task.name]);
    state.set(task.name, "done");
  };
  tasks.forEach((t) => visit(t, []));
}
