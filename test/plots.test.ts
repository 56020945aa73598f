// Figures: plotly JSON as an object, the HTML fallback, and plotly.js inlined once per session.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { lineChart, barChart, scatterPlot, heatmap, figureBundle, showFigure, LiveFigure, accuracyRange } from "../src/plots";

const PLOTLY = "application/vnd.plotly.v1+json";
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
type Sent = { data: Record<string, unknown>; transient: { display_id?: string } };
function capture(): Sent[] {
  const sent: Sent[] = [];
  jupyter.lastWriteDisplayData = (msg: Sent) => sent.push(msg);
  return sent;
}
afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});
const hasLibrary = (html: string) => html.length > 1_000_000 && html.includes("window.Plotly = Plotly");

test("lineChart numbers epochs from 1 and keeps each series", () => {
  const fig = lineChart([{ name: "loss", y: [3, 2, 1] }, { name: "val", x: [2, 4], y: [5, 6] }], { title: "t", xTitle: "epoch" });
  assert.deepEqual(fig.data.map((d) => d.x), [[1, 2, 3], [2, 4]]);
  assert.deepEqual(fig.data.map((d) => d.name), ["loss", "val"]);
  assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "epoch");
});

test("axes can zoom y, use a log x axis, and carry error bars", () => {
  const fig = barChart(["a", "b"], [{ name: "mean", y: [0.97, 0.99], error: [0.004, 0.002] }], { yRange: [0.95, 1], xLog: true });
  assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [0.95, 1]);
  assert.equal((fig.layout.xaxis as { type: string }).type, "log");
  assert.deepEqual(fig.data[0].error_y, { type: "data", array: [0.004, 0.002], visible: true });
  assert.equal(lineChart([{ name: "x", y: [1] }]).data[0].error_y, undefined);
});

test("accuracyRange starts just below the lowest accuracy and ends at 1 or just above the highest", () => {
  assert.deepEqual(accuracyRange([0.972, 0.991]), [0.96, 0.996]);
  assert.deepEqual(accuracyRange([0.005, 0.5]), [0, 0.505]);
  assert.deepEqual(accuracyRange([0.999, 1]), [0.98, 1.0005]);
  assert.deepEqual(accuracyRange([]), [0, 1]);
});

test("scatterPlot makes one trace per group, in numeric order", () => {
  const fig = scatterPlot([1, 2, 3, 4], [5, 6, 7, 8], [10, 2, 10, 2]);
  assert.deepEqual(fig.data.map((d) => d.name), ["2", "10"]);
  assert.deepEqual(fig.data[0].x, [2, 4]);
  assert.deepEqual(fig.data[1].y, [5, 7]);
});

test("heatmap writes the counts into the cells, row 0 at the top", () => {
  const fig = heatmap([[5, 1], [0, 4]], ["0", "1"], ["0", "1"]);
  assert.deepEqual(fig.data[0].text, [["5", "1"], ["0", "4"]]);
  assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed");
  assert.equal(barChart(["a"], [{ name: "s", y: [1] }]).data[0].type, "bar");
});

test("a bundle carries the figure as an object plus HTML that draws it", () => {
  const fig = lineChart([{ name: "</script><b>", y: [1] }]);
  const bundle = figureBundle(fig);
  assert.equal(bundle[PLOTLY], fig);
  const html = bundle["text/html"] as string;
  assert.match(html, /Plotly\.newPlot/);
  assert.ok(!html.includes("</script><b>"), "figure JSON must not close the script tag");
  assert.ok(!hasLibrary(html));
  assert.ok(hasLibrary(figureBundle(fig, true)["text/html"] as string));
});

test("plotly.js is inlined once per session, and in the final frame of the live figure that carried it", () => {
  const sent = capture();
  const live = new LiveFigure();
  live.show(lineChart([{ name: "a", y: [1] }]));
  showFigure(lineChart([{ name: "b", y: [2] }]));
  live.show(lineChart([{ name: "a", y: [1, 2] }]));
  live.finish(lineChart([{ name: "a", y: [1, 2, 3] }]));
  new LiveFigure().finish(lineChart([{ name: "c", y: [3] }]));
  const html = sent.map((m) => m.data["text/html"] as string);
  assert.deepEqual(html.map(hasLibrary), [true, false, false, true, false]);
  assert.equal(sent[0].transient.display_id, sent[3].transient.display_id);
});

test("heatmap with saturateDiagonal scales colours to the largest off-diagonal value and keeps every number", () => {
  const fig = heatmap([[980, 2], [7, 1100]], ["0", "1"], ["0", "1"], {}, { saturateDiagonal: true });
  const trace = fig.data[0] as { zmin?: number; zmax?: number; text: string[][] };
  assert.deepEqual([trace.zmin, trace.zmax], [0, 7]);
  assert.deepEqual(trace.text, [["980", "2"], ["7", "1100"]]);
  const plain = heatmap([[980, 2], [7, 1100]], ["0", "1"], ["0", "1"]).data[0] as { zmax?: number };
  assert.equal(plain.zmax, undefined);
});
