// The binary form of a Shard, little-endian, so a browser fetches it once and caches it:
//   0  magic "ALSD"            4  u8 version (1)      5  u8 task (0 spam, 1 sotu)
//   6  u8 flags (bit 0: labels) 7  u8 reserved (0)   8  u32 row count   12 u32 seqLen   16 u32 vocabSize
//   20 u16 lengths[count], then u16 tokens[count * seqLen], then u8 labels[count] when flagged.
// Decoding checks the exact byte length and every Shard invariant, and returns a Result: it never throws.
import { type Result, fail } from "@airlora/core";
import { type Shard, type TaskName, TASKS, checkShard } from "./shard";

export const SHARD_MAGIC = [0x41, 0x4c, 0x53, 0x44] as const; // "ALSD"
export const SHARD_VERSION = 1;
export const SHARD_HEADER_BYTES = 20;
const LABELS_FLAG = 1;

export function encodedShardBytes(count: number, seqLen: number, hasLabels: boolean): number {
  return SHARD_HEADER_BYTES + 2 * count + 2 * count * seqLen + (hasLabels ? count : 0);
}

/** The binary form of a valid shard; throws a RangeError for a shard that breaks an invariant (a caller bug). */
export function encodeShard(shard: Shard): Uint8Array {
  const checked = checkShard(shard);
  if (!checked.ok) throw new RangeError(checked.error.reason);
  const count = shard.lengths.length;
  const hasLabels = shard.labels !== undefined;
  const bytes = new Uint8Array(encodedShardBytes(count, shard.seqLen, hasLabels));
  const view = new DataView(bytes.buffer);
  bytes.set(SHARD_MAGIC, 0);
  view.setUint8(4, SHARD_VERSION);
  view.setUint8(5, TASKS.indexOf(shard.task));
  view.setUint8(6, hasLabels ? LABELS_FLAG : 0);
  view.setUint32(8, count, true);
  view.setUint32(12, shard.seqLen, true);
  view.setUint32(16, shard.vocabSize, true);
  let at = SHARD_HEADER_BYTES;
  for (const length of shard.lengths) {
    view.setUint16(at, length, true);
    at += 2;
  }
  for (const id of shard.tokens) {
    view.setUint16(at, id, true);
    at += 2;
  }
  if (shard.labels !== undefined) bytes.set(shard.labels, at);
  return bytes;
}

const invalid = (reason: string) => fail({ code: "invalid-shard", reason });

export function decodeShard(bytes: Uint8Array): Result<Shard> {
  if (bytes.length < SHARD_HEADER_BYTES) return invalid(`${bytes.length} bytes is shorter than the header`);
  if (SHARD_MAGIC.some((b, i) => bytes[i] !== b)) return invalid("not a shard (bad magic)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(4);
  if (version !== SHARD_VERSION) return invalid(`unsupported shard version ${version}`);
  const task: TaskName | undefined = TASKS[view.getUint8(5)];
  if (task === undefined) return invalid(`unknown task code ${view.getUint8(5)}`);
  const flags = view.getUint8(6);
  if ((flags & ~LABELS_FLAG) !== 0 || view.getUint8(7) !== 0) return invalid("unknown flags");
  const count = view.getUint32(8, true);
  const seqLen = view.getUint32(12, true);
  const vocabSize = view.getUint32(16, true);
  const hasLabels = (flags & LABELS_FLAG) !== 0;
  const expected = encodedShardBytes(count, seqLen, hasLabels);
  if (bytes.length !== expected) return invalid(`${bytes.length} bytes, the header announces ${expected}`);
  let at = SHARD_HEADER_BYTES;
  const lengths = new Uint16Array(count);
  for (let i = 0; i < count; i += 1, at += 2) lengths[i] = view.getUint16(at, true);
  const tokens = new Uint16Array(count * seqLen);
  for (let i = 0; i < tokens.length; i += 1, at += 2) tokens[i] = view.getUint16(at, true);
  const base = { task, seqLen, vocabSize, tokens, lengths };
  const shard: Shard = hasLabels ? { ...base, labels: bytes.slice(at, at + count) } : base;
  return checkShard(shard);
}
