// The course home: what this build used (dataset, backend) and an outline of every notebook with goals and time.
import { escapeHtml } from "./html";
import type { Chapter } from "./course";

export const FALLBACK_DATASET = "digits-opencv";

/** Distinct values of one reported metric across all notebooks, e.g. every dataset the build used. */
function reported(chapters: Chapter[], metric: string): string[] {
  const values = chapters.map((c) => c.run?.metrics?.[metric]).filter((v): v is string => typeof v === "string");
  return [...new Set(values)];
}

function buildFacts(chapters: Chapter[]): string {
  const datasets = reported(chapters, "dataset");
  const backends = reported(chapters, "backend");
  const executed = chapters.filter((c) => c.executed).length;
  const facts = [
    `<li>Dataset: <strong>${datasets.length ? escapeHtml(datasets.join(", ")) : "not reported"}</strong></li>`,
    `<li>Backend: <strong>${backends.length ? escapeHtml(backends.join(", ")) : "not reported"}</strong></li>`,
    `<li>Executed notebooks: <strong>${executed} of ${chapters.length}</strong></li>`,
  ].join("");
  const fallback = datasets.includes(FALLBACK_DATASET)
    ? `<div class="alert warning" role="alert"><strong>This build did not use MNIST.</strong> It fell back to the offline
<code>${FALLBACK_DATASET}</code> set (5,000 OpenCV digits, re-centred to 28×28), so accuracies and plots differ from
the full course. Get MNIST with <code>npm run data</code> and rebuild.</div>`
    : "";
  return `${fallback}<ul class="build-facts">${facts}</ul>`;
}

function status(chapter: Chapter): string {
  if (!chapter.executed) return `<span class="badge not-executed">not executed</span>`;
  const state = chapter.run?.status ?? "executed";
  const seconds = chapter.run?.seconds !== undefined ? ` in ${chapter.run.seconds.toFixed(1)} s` : "";
  return `<span class="badge ${state === "error" || state === "timeout" ? "failed" : "ok"}">${escapeHtml(state)}${seconds}</span>`;
}

function card(chapter: Chapter): string {
  const minutes = chapter.minutes !== undefined ? `<span class="minutes">about ${chapter.minutes} min</span>` : "";
  const goals = chapter.goals.length ? `<ul class="goals">${chapter.goals.map((g) => `<li>${g}</li>`).join("")}</ul>` : "";
  return `<li class="chapter"><h3><a href="${chapter.slug}.html">${escapeHtml(chapter.title)}</a></h3>
<p class="meta">${minutes}${status(chapter)}</p>${goals}</li>`;
}

export function renderHome(courseTitle: string, chapters: Chapter[], demoHref: string): string {
  return `<h1 id="top">${escapeHtml(courseTitle)}</h1>
<p class="lead">From the raw bytes of MNIST to convolutional networks, transfer learning, LoRA and a tiny language model that writes text, in TypeScript with TensorFlow.js.
Try the trained network on your own handwriting in the <a href="${demoHref}">draw-a-digit demo</a>.</p>
<h2 id="this-build">This build</h2>
${buildFacts(chapters)}
<h2 id="notebooks">Notebooks</h2>
${chapters.length ? `<ol class="chapters">${chapters.map(card).join("\n")}</ol>` : "<p>No notebooks were found.</p>"}`;
}
