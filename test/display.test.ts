// display(): multi-MIME bundles through tslab's internal writer, updates by id, and the fallback.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { base64, display, inKernel, LiveDisplay, randomId, setDisplayWriter, showTable } from "../src/display";

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

test("a writer set with setDisplayWriter takes the bundles, before the kernel's; null hands back", () => {
  const kernel = capture();
  const page: { data: Record<string, unknown>; update: boolean }[] = [];
  setDisplayWriter((msg, update) => page.push({ data: msg.data, update }));
  try {
    const live = new LiveDisplay();
    live.show({ "text/plain": "1" });
    live.show({ "text/plain": "2" });
    assert.deepEqual(page, [{ data: { "text/plain": "1" }, update: false }, { data: { "text/plain": "2" }, update: true }]);
    assert.equal(kernel.length, 0);
  } finally {
    setDisplayWriter(null);
  }
  assert.equal(display({ "text/plain": "3" }), true);
  assert.equal(kernel.length, 1, "back to the kernel's writer");
});

test("randomId and base64 work without Node's crypto and Buffer APIs", () => {
  assert.match(randomId(8), /^[0-9a-f]{16}$/);
  assert.notEqual(randomId(8), randomId(8));
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
  assert.equal(base64(bytes.subarray(3, 5)), Buffer.from([21, 28]).toString("base64"), "a view's own bytes, not its whole buffer");
  const saved = globalThis.Buffer;
  try {
    (globalThis as { Buffer?: unknown }).Buffer = undefined; // as in a page: btoa
    assert.equal(base64(bytes), saved.from(bytes).toString("base64"));
  } finally {
    globalThis.Buffer = saved;
  }
});
