// The page shell shared by every page: head, top bar with theme toggle, course outline, "on this page", prev/next.
import { escapeHtml } from "./html";
import type { Heading } from "./markdown";

export interface OutlineEntry {
  href: string;
  title: string;
}

export interface PageSpec {
  title: string;
  courseTitle: string;
  current: string; // href of this page, highlighted in the outline
  outline: OutlineEntry[];
  body: string;
  headings?: Heading[];
  prev?: OutlineEntry;
  next?: OutlineEntry;
  download?: string; // href of the .ipynb
  scripts?: string[]; // extra scripts, in order, before the site's own (which uses them)
}

// Set the theme before first paint so a dark reader never sees a white flash.
const THEME_BOOT = `(function(){try{var t=localStorage.getItem("theme");}catch(e){}
document.documentElement.dataset.theme=t||(matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light");})();`;

function outline(spec: PageSpec): string {
  const items = spec.outline
    .map((e) => `<li${e.href === spec.current ? ' class="current" aria-current="page"' : ""}><a href="${e.href}">${escapeHtml(e.title)}</a></li>`)
    .join("");
  return `<nav class="sidebar" id="sidebar" aria-label="Course outline"><ol>${items}</ol></nav>`;
}

function onThisPage(headings: Heading[]): string {
  const items = headings
    .filter((h) => h.level === 2 || h.level === 3)
    .map((h) => `<li class="toc-h${h.level}"><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
    .join("");
  return items ? `<nav class="toc" aria-label="On this page"><h2>On this page</h2><ul>${items}</ul></nav>` : "";
}

function pager(spec: PageSpec): string {
  const link = (e: OutlineEntry | undefined, rel: string, label: string) =>
    e ? `<a class="${rel}" rel="${rel}" href="${e.href}"><small>${label}</small>${escapeHtml(e.title)}</a>` : "<span></span>";
  if (!spec.prev && !spec.next) return "";
  return `<nav class="pager" aria-label="Previous and next">${link(spec.prev, "prev", "Previous")}${link(spec.next, "next", "Next")}</nav>`;
}

export function renderPage(spec: PageSpec): string {
  const scripts = [...(spec.scripts ?? []), "assets/site.js"].map((s) => `<script src="${s}"></script>`).join("\n");
  const download = spec.download ? `<a class="download" href="${spec.download}" download>Download .ipynb</a>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(spec.title)} · ${escapeHtml(spec.courseTitle)}</title>
<script>${THEME_BOOT}</script>
<link rel="stylesheet" href="assets/vendor/katex/katex.min.css">
<link rel="stylesheet" href="assets/site.css">
</head>
<body>
<header class="topbar">
<button type="button" class="menu" aria-controls="sidebar" aria-expanded="false">☰ <span>Outline</span></button>
<a class="brand" href="index.html">${escapeHtml(spec.courseTitle)}</a>
${download}
<button type="button" class="theme-toggle" aria-label="Switch light/dark theme">◐</button>
</header>
<div class="layout">
${outline(spec)}
<main class="content">
${spec.body}
${pager(spec)}
</main>
${onThisPage(spec.headings ?? [])}
</div>
${scripts}
</body>
</html>
`;
}
