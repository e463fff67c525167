// Batched products [s, m, k] x [s, k, n] for attention, on the backends that run in this thread's CPU. tfjs's wasm
// backend hands matMul to XNNPACK only without a batch dimension; attention's batched products ([B * heads, T, T] by
// [B * heads, T, headDim] and their gradients) ran in its scalar fallback at ~1.5 ms each for a nano step, twelve
// per step. On wasm and cpu they go to core's SIMD kernel instead (simdBatchedMatMul, ~0.2 ms with the copies);
// webgl and webgpu keep tfjs's own, which is fast there (docs/simulator.md section 8).
import * as tf from "@tensorflow/tfjs-core";
import { simdBatchedMatMul } from "@airlora/core";

const CPU_BACKENDS = new Set(["wasm", "cpu"]);

/** a [s, m, k] x b [s, k, n] -> [s, m, n]; d/da = dy b^T, d/db = a^T dy, each again a batched product. */
export function batchedMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const kernel = CPU_BACKENDS.has(tf.getBackend()) ? simdBatchedMatMul() : undefined;
  if (kernel === undefined) return tf.matMul(a, b);
  const [batch, m, k] = a.shape;
  const [batchB, kB, n] = b.shape;
  if (batch !== batchB || k !== kB) {
    throw new Error(`batchedMatMul: [${a.shape.join(", ")}] x [${b.shape.join(", ")}] do not fit`);
  }
  const product = tf.customGrad<tf.Tensor3D>((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, save] = inputs;
    if (
      x === undefined ||
      y === undefined ||
      typeof x === "function" ||
      typeof y === "function" ||
      typeof save !== "function"
    ) {
      throw new Error("batchedMatMul: bad arguments");
    }
    // Saved, not closed over: tensors made inside a gradient's forward pass are gone by the time it runs.
    save([x, y]);
    const values = kernel(cpuValues(x), cpuValues(y), batch, m, k, n);
    return {
      value: values === undefined ? tf.matMul(x, y) : tf.tensor3d(values, [batch, m, n]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedA, savedB] = saved;
        if (savedA === undefined || savedB === undefined) throw new Error("batchedMatMul: nothing saved");
        return tf.tidy(() => [
          batchedMatMul(dy as tf.Tensor3D, tf.transpose(savedB as tf.Tensor3D, [0, 2, 1])),
          batchedMatMul(tf.transpose(savedA as tf.Tensor3D, [0, 2, 1]), dy as tf.Tensor3D),
        ]);
      },
    };
  });
  return product(a, b);
}

/** A float32 tensor's values on wasm or cpu, where they already sit in this thread's memory: a synchronous read there
 * costs a copy and blocks nothing (the rule against it is for webgpu, which never comes here). */
function cpuValues(t: tf.Tensor): Float32Array {
  // eslint-disable-next-line no-restricted-properties -- wasm and cpu only (see above)
  const values = t.dataSync();
  if (!(values instanceof Float32Array)) throw new Error(`batchedMatMul: a ${t.dtype} operand`);
  return values;
}
