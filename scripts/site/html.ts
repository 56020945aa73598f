// Small HTML helpers shared by the site renderer: escaping and safe inline JSON.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** JSON that can sit inside a <script> element: "</script>" and "<!--" cannot end or confuse it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Jupyter stores multi-line strings either as one string or as a list of lines. */
export function joinSource(source: string | string[] | undefined): string {
  return Array.isArray(source) ? source.join("") : source ?? "";
}
