// display(): multi-MIME bundles through tslab's internal writer, updates by id, and the fallback.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { display, inKernel, LiveDisplay, showTable } from "../src/display";

// The real module tslab's kernel sets when a cell runs; the test plays the kernel's part.
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
type Sent = { msg: { data: Record<string, unknown>; metadata: object; transient: { display_id?: string } }; update: boolean };
function capture(): Sent[] {
  const sent: Sent[] = [];
  jupyter.lastWriteDisplayData = (msg: Sent["msg"], update: boolean) => sent.push({ msg, update });
  return sent;
}
afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});

test("outside a kernel nothing is sent and display() says so", () => {
  assert.equal(inKernel(), false);
  assert.equal(display({ "text/plain": "hi" }), false);
});

test("a bundle keeps every MIME type, objects stay objects", () => {
  const sent = capture();
  assert.equal(inKernel(), true);
  const fig = { data: [], layout: {}, config: {} };
  assert.equal(display({ "application/vnd.plotly.v1+json": fig, "text/html": "<b>x</b>" }), true);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].update, false);
  assert.equal(sent[0].msg.data["application/vnd.plotly.v1+json"], fig);
  assert.equal(sent[0].msg.data["text/html"], "<b>x</b>");
});

test("LiveDisplay creates one output and then updates it by id", () => {
  const sent = capture();
  const live = new LiveDisplay();
  live.show({ "text/plain": "1" });
  live.show({ "text/plain": "2" });
  live.show({ "text/plain": "3" });
  assert.deepEqual(sent.map((s) => s.update), [false, true, true]);
  assert.ok(sent.every((s) => s.msg.transient.display_id === live.id));
  assert.equal(sent[2].msg.data["text/plain"], "3");
});

test("showTable sends HTML and aligned text, escaping HTML", () => {
  const sent = capture();
  showTable(["model", "acc"], [["<cnn>", 0.98765], ["mlp", 1]]);
  const html = sent[0].msg.data["text/html"] as string;
  assert.match(html, /<td>&lt;cnn&gt;<\/td><td>0.9877<\/td>/);
  assert.equal(sent[0].msg.data["text/plain"], "model  acc   \n-----  ------\n<cnn>  0.9877\nmlp    1     ");
});
