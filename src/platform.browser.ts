// The web page's side of src/platform.ts (see there): the same exports, no Node.

import type { DisplayWriter } from "./display";

/** No kernel in a page: the live runtime registers its own writer with `setDisplayWriter`. */
export function kernelWriter(): DisplayWriter | null {
  return null;
}

/** Null: a course page loads plotly.js once itself, so figures use the page's `window.Plotly`. */
export function plotlyLibrary(): string | null {
  return null;
}
