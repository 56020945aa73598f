// Text for console output in the live page, close to what Node's console (util.inspect) prints in a tslab
// kernel, so a cell's stdout reads the same in the page as in the static, kernel-executed page.

const MAX_ITEMS = 100; // Node's default maxArrayLength
const MAX_DEPTH = 2; // Node's default depth

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k.replace(/'/g, "\\'")}'`;
}

function number(n: number): string {
  return Object.is(n, -0) ? "-0" : String(n);
}

function list(open: string, items: string[], close: string, more: number): string {
  const all = more > 0 ? [...items, `... ${more} more item${more === 1 ? "" : "s"}`] : items;
  if (all.length === 0) return `${open}${close}`;
  const flat = `${open} ${all.join(", ")} ${close}`;
  if (flat.length <= 72 && !flat.includes("\n")) return flat;
  return `${open}\n${all.map((s) => "  " + s.replace(/\n/g, "\n  ")).join(",\n")}\n${close}`;
}

/** One value as Node's util.inspect would show it (strings quoted when nested). */
export function formatValue(value: unknown, depth = 0, seen: Set<unknown> = new Set()): string {
  switch (typeof value) {
    case "string":
      return depth === 0 ? value : `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
    case "number":
      return number(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return `[${/^class\s/.test(Function.prototype.toString.call(value)) ? "class" : "Function"}${value.name ? `: ${value.name}` : " (anonymous)"}]`;
    default:
      break;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (seen.has(obj)) return "[Circular *1]";
  if (obj instanceof Error) return obj.stack ?? `${obj.name}: ${obj.message}`;
  if (obj instanceof Date) return obj.toISOString();
  if (obj instanceof RegExp) return String(obj);
  // tfjs tensors print themselves (shape, dtype and values), as they do in a kernel.
  if (typeof (obj as { toString?: unknown }).toString === "function" && (obj as { constructor?: { name?: string } }).constructor?.name === "Tensor") {
    return String(obj);
  }
  if (depth > MAX_DEPTH) return Array.isArray(obj) ? "[Array]" : "[Object]";
  seen.add(obj);
  try {
    const inner = (v: unknown) => formatValue(v, depth + 1, seen);
    if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
      const typed = obj as unknown as ArrayLike<number | bigint>;
      const shown = Array.from({ length: Math.min(typed.length, MAX_ITEMS) }, (_, i) => (typeof typed[i] === "bigint" ? `${typed[i]}n` : number(typed[i] as number)));
      return list(`${obj.constructor.name}(${typed.length}) [`, shown, "]", typed.length - shown.length);
    }
    if (Array.isArray(obj)) {
      const shown = obj.slice(0, MAX_ITEMS).map((v, i) => (i in obj ? inner(v) : "<empty item>"));
      return list("[", shown, "]", obj.length - shown.length);
    }
    if (obj instanceof Map) {
      const entries = [...obj.entries()].slice(0, MAX_ITEMS).map(([k, v]) => `${inner(k)} => ${inner(v)}`);
      return list(`Map(${obj.size}) {`, entries, "}", obj.size - entries.length);
    }
    if (obj instanceof Set) {
      const items = [...obj].slice(0, MAX_ITEMS).map(inner);
      return list(`Set(${obj.size}) {`, items, "}", obj.size - items.length);
    }
    const name = (obj as { constructor?: { name?: string } }).constructor?.name;
    const prefix = Object.getPrototypeOf(obj) === null ? "[Object: null prototype] " : name && name !== "Object" ? `${name} ` : "";
    const entries = Object.entries(obj).map(([k, v]) => `${key(k)}: ${inner(v)}`);
    return prefix + list("{", entries, "}", 0);
  } finally {
    seen.delete(obj);
  }
}

/** console.log's arguments as one line: strings as they are, other values inspected, joined by spaces. */
export function formatArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : formatValue(a))).join(" ");
}
