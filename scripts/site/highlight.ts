// Syntax highlighting for code cells and markdown fences (highlight.js; TypeScript by default).
import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import bash from "highlight.js/lib/languages/bash";
import python from "highlight.js/lib/languages/python";
import { escapeHtml } from "./html";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("python", python);

/** Highlighted HTML for `code`; unknown languages are escaped as plain text. */
export function highlight(code: string, language = "typescript"): string {
  const lang = language.trim().toLowerCase();
  return hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value : escapeHtml(code);
}
