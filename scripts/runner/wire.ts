// Jupyter wire protocol (messaging spec 5.3): build, sign, parse and verify multipart messages.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C = Record<string, unknown>> {
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
}

const DELIMITER = "<IDS|MSG>";

/** HMAC-SHA256 hex over the four JSON frames; an empty key means unsigned. */
function sign(key: string, frames: string[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

export function newMessage<C>(session: string, msgType: string, content: C): Message<C> {
  return {
    header: {
      msg_id: randomUUID(),
      session,
      username: "runner",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: "5.3",
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Frames to send from a DEALER socket (no routing identities). */
export function encode(key: string, msg: Message<unknown>): string[] {
  const frames = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) => JSON.stringify(part));
  return [DELIMITER, sign(key, frames), ...frames];
}

/** Parses received frames; throws on a missing delimiter or a bad signature. */
export function decode(key: string, raw: Buffer[]): Message {
  const at = raw.findIndex((frame) => frame.toString() === DELIMITER);
  if (at < 0) throw new Error("kernel message without <IDS|MSG> delimiter");
  const signature = raw[at + 1].toString();
  const frames = raw.slice(at + 2, at + 6).map((frame) => frame.toString());
  const expected = sign(key, frames);
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw new Error("kernel message with an invalid HMAC signature");
  }
  const [header, parent_header, metadata, content] = frames.map((frame) => JSON.parse(frame));
  return { header, parent_header, metadata, content };
}
