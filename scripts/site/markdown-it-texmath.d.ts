// Types for markdown-it-texmath, which ships none: a markdown-it plugin taking a TeX engine (KaTeX here).
declare module "markdown-it-texmath" {
  import type MarkdownIt from "markdown-it";
  const texmath: MarkdownIt.PluginWithOptions<{
    engine: unknown;
    delimiters?: string | string[];
    katexOptions?: Record<string, unknown>;
  }>;
  export = texmath;
}
