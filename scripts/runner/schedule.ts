// Runs tasks at most `jobs` at a time; a task starts only after the tasks it needs have succeeded.
// A task whose need failed is not run: `skipped` reports it.
//
// Order: when a slot frees, the ready task on the longest remaining chain starts first (its own estimated
// seconds plus the longest chain of tasks that need it), so a long task that others wait for never queues
// behind short independent ones. Ties keep the order of `tasks`.

export interface Task {
  name: string;
  needs: string[];
  /** Estimated seconds (for example from the last measured run); 1 when unknown. */
  estimate?: number;
}

export async function schedule<T extends Task>(
  tasks: T[],
  jobs: number,
  run: (task: T) => Promise<boolean>,
  skipped: (task: T, failedNeed: string) => void,
): Promise<void> {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  checkAcyclic(tasks, byName);
  const rank = chainSeconds(tasks, byName);
  const order = new Map(tasks.map((t, i) => [t.name, i]));
  let free = Math.max(1, jobs);
  const ready: { task: T; go: () => void }[] = [];
  const acquire = (task: T) =>
    free > 0 ? (free--, Promise.resolve()) : new Promise<void>((go) => ready.push({ task, go }));
  const release = () => {
    if (ready.length === 0) {
      free++;
      return;
    }
    let pick = 0;
    for (let i = 1; i < ready.length; i++) if (before(ready[i].task, ready[pick].task)) pick = i;
    ready.splice(pick, 1)[0].go();
  };
  const before = (a: T, b: T) => rank.get(a.name)! > rank.get(b.name)! || (rank.get(a.name) === rank.get(b.name) && order.get(a.name)! < order.get(b.name)!);

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
        await acquire(task);
        try {
          return await run(task);
        } finally {
          setImmediate(release); // after this task's dependants (now ready) have queued for the slot
        }
      })());
    }
    return outcome.get(task.name)!;
  };
  // Tasks that can start at once ask for a slot in priority order; the rest queue when their needs finish.
  await Promise.all([...tasks].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)).map(start));
}

/** Each task's estimate plus the longest chain of estimates among the tasks that (transitively) need it. */
export function chainSeconds(tasks: Task[], byName: Map<string, Task> = new Map(tasks.map((t) => [t.name, t]))): Map<string, number> {
  const dependants = new Map<string, string[]>(tasks.map((t) => [t.name, []]));
  for (const t of tasks) for (const n of t.needs) if (byName.has(n)) dependants.get(n)!.push(t.name);
  const memo = new Map<string, number>();
  const of = (name: string): number => {
    if (!memo.has(name)) {
      const own = byName.get(name)!.estimate ?? 1;
      memo.set(name, own + Math.max(0, ...dependants.get(name)!.map(of)));
    }
    return memo.get(name)!;
  };
  tasks.forEach((t) => of(t.name));
  return memo;
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
