// node:path (POSIX) for a course page: enough for src/'s file names in the page's in-memory store.
export const sep = "/";

export function normalize(p: string): string {
  const absolute = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length && out[out.length - 1] !== "..") out.pop();
    else if (part !== ".." || !absolute) out.push(part);
  }
  return (absolute ? "/" : "") + out.join("/") || (absolute ? "/" : ".");
}

export const join = (...parts: string[]) => normalize(parts.filter(Boolean).join("/"));
export const resolve = (...parts: string[]) => normalize(parts.reduce((acc, p) => (p.startsWith("/") ? p : `${acc}/${p}`), ""));
export const dirname = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) || "/" : ".");
export const basename = (p: string, ext = "") => {
  const base = p.slice(p.lastIndexOf("/") + 1);
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
};
export const extname = (p: string) => {
  const base = basename(p);
  return base.lastIndexOf(".") > 0 ? base.slice(base.lastIndexOf(".")) : "";
};
export default { sep, normalize, join, resolve, dirname, basename, extname };
