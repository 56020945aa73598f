// Markdown cells → HTML: markdown-it with KaTeX math, mermaid fences, heading anchors, tables, highlighting.
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import texmath from "markdown-it-texmath";
import katex from "katex";
import { escapeHtml } from "./html";
import { highlight } from "./highlight";

export interface Heading {
  level: number;
  id: string;
  text: string;
}

/** Per-page render state: slugs stay unique across all cells of one page. */
export interface PageEnv {
  headings: Heading[];
  mermaid: boolean;
  [key: string]: unknown;
}

export function newPageEnv(): PageEnv {
  return { headings: [], mermaid: false };
}

export function createMarkdown(): MarkdownIt {
  // html: course authors may write HTML in markdown cells; outputs never pass through here unescaped.
  const md: MarkdownIt = new MarkdownIt({ html: true, linkify: true, typographer: false });
  md.set({ highlight: (code: string, lang: string) => highlight(code, lang || "text") });
  md.use(texmath, { engine: katex, delimiters: "dollars", katexOptions: { throwOnError: false } });
  md.use(anchor, {
    level: [1, 2, 3, 4],
    // GitHub-style ids ("learning-goals"): readable in URLs, no percent-encoding.
    slugify: (text: string) => text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s+/g, "-"),
    permalink: anchor.permalink.linkInsideHeader({ symbol: "#", placement: "after", ariaHidden: true }),
    callback: (token, info) => {
      // The callback gets no env; headings are picked up by the core rule below instead.
      token.meta = { ...(token.meta ?? {}), anchorTitle: info.title };
    },
  });
  md.core.ruler.push("collect_headings", (state) => {
    const env = state.env as PageEnv;
    for (const token of state.tokens) {
      if (token.type === "heading_open" && token.meta?.anchorTitle !== undefined && Array.isArray(env.headings)) {
        env.headings.push({ level: Number(token.tag.slice(1)), id: token.attrGet("id") ?? "", text: token.meta.anchorTitle });
      }
    }
  });
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env: PageEnv, self) => {
    const token = tokens[idx];
    if (token.info.trim() !== "mermaid") return fence(tokens, idx, options, env, self);
    env.mermaid = true;
    // Drawn in the browser by the local mermaid copy; the source stays readable if scripts are off.
    return `<pre class="mermaid" data-source="${escapeHtml(token.content)}">${escapeHtml(token.content)}</pre>\n`;
  };
  return md;
}
