// node:os for a course page: what the course's cells ask of it.
export const tmpdir = () => "/tmp";
export const availableParallelism = () => navigator.hardwareConcurrency || 1;
export const cpus = () => Array.from({ length: availableParallelism() }, () => ({ model: "browser" }));
export const EOL = "\n";
