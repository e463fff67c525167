// Language-modelling rows: documents joined into one token stream (EOS_ID after each), cut into windows of
// `window` = context + 1 tokens that overlap by one, so every token after the first is a next-token target
// exactly once. The final window is padded (its length says how much is real) and kept if it has a target.
import type { Tokenizer } from "../tokenizer/tokenizer";
import { EOS_ID, PAD_ID } from "../tokenizer/tokenizer-vocab";
import type { Shard, TaskName } from "./shard";

/** Token id lists joined into one stream with EOS_ID after each (documentStream on ids already encoded, so that the
 * calibration slice tokenizes no text twice). */
export function joinedStream(parts: readonly ArrayLike<number>[]): Int32Array {
  const stream = new Int32Array(parts.reduce((a, p) => a + p.length + 1, 0));
  let at = 0;
  for (const part of parts) {
    stream.set(part, at);
    at += part.length;
    stream[at] = EOS_ID;
    at += 1;
  }
  return stream;
}

export function documentStream(tokenizer: Tokenizer, documents: readonly string[]): Int32Array {
  return joinedStream(documents.map((d) => tokenizer.encode(d)));
}

/** Number of windows a stream of `n` tokens gives. */
export function lmWindowCount(n: number, window: number): number {
  return n < 2 ? 0 : Math.ceil((n - 1) / (window - 1));
}

export function lmShard(task: TaskName, stream: ArrayLike<number>, window: number, vocabSize: number): Shard {
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`window ${window} must be >= 2`);
  const count = lmWindowCount(stream.length, window);
  const tokens = new Uint16Array(count * window).fill(PAD_ID);
  const lengths = new Uint16Array(count);
  for (let row = 0; row < count; row += 1) {
    const start = row * (window - 1);
    const length = Math.min(window, stream.length - start);
    for (let t = 0; t < length; t += 1) tokens[row * window + t] = stream[start + t] ?? PAD_ID;
    lengths[row] = length;
  }
  return { task, seqLen: window, vocabSize, tokens, lengths };
}
