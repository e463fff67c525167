;; A batched matrix product for the transformer's attention (docs/simulator.md section 8): tfjs's wasm backend hands
;; matMul to XNNPACK only when neither side has a batch dimension, and runs every batched product (attention's
;; [B * heads, T, T] by [B * heads, T, headDim]) in a scalar loop, ~1.5 ns per multiply-add. Here sixteen output
;; columns stay in four vector registers while the shared dimension runs, ~6x faster. Built into
;; batched-matmul-wasm.ts by `npm run build:kernels` (wabt).
(module
  ;; Grown from JavaScript as the operands need (batched-matmul.ts); the layout is a, then b, then out.
  (memory (export "memory") 16)

  ;; out[s] = a[s] x b[s] for s < batch: a[s] is m x k, b[s] is k x n, out[s] is m x n, all row-major float32 at the
  ;; given byte offsets. Each output value is the sum over p in increasing order of a[i, p] * b[p, j], rounded to
  ;; float32 after every multiply and add (the same order for the vector columns and the scalar tail).
  (func (export "batchedMatMul")
    (param $a i32) (param $b i32) (param $out i32) (param $batch i32) (param $m i32) (param $k i32) (param $n i32)
    (local $s i32) (local $i i32) (local $j i32) (local $p i32) (local $blocks i32)
    (local $row i32) (local $col i32) (local $bs i32) (local $o i32) (local $rowBytes i32)
    (local $x v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $sum f32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    ;; columns [0, blocks) go sixteen at a time, [blocks, n) one at a time
    (local.set $blocks (i32.and (local.get $n) (i32.const -16)))
    (local.set $o (local.get $out))
    (local.set $bs (local.get $b))
    (block $sDone (loop $sNext
      (br_if $sDone (i32.ge_u (local.get $s) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iNext
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $m)))
        ;; a's row i of this batch entry
        (local.set $row (i32.add (local.get $a)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $s) (local.get $m)) (local.get $i)) (local.get $k))
            (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $jDone (loop $jNext
          (br_if $jDone (i32.ge_u (local.get $j) (local.get $blocks)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $c2 (v128.const i32x4 0 0 0 0))
          (local.set $c3 (v128.const i32x4 0 0 0 0))
          (local.set $col (i32.add (local.get $bs) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (i32.const 0))
          (block $pDone (loop $pNext
            (br_if $pDone (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $x (v128.load32_splat (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x) (v128.load (local.get $col)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $col)))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $col)))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $col)))))
            (local.set $col (i32.add (local.get $col) (local.get $rowBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $pNext)))
          (v128.store (local.get $o) (local.get $c0))
          (v128.store offset=16 (local.get $o) (local.get $c1))
          (v128.store offset=32 (local.get $o) (local.get $c2))
          (v128.store offset=48 (local.get $o) (local.get $c3))
          (local.set $o (i32.add (local.get $o) (i32.const 64)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $jNext)))
        (block $tDone (loop $tNext
          (br_if $tDone (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $sum (f32.const 0))
          (local.set $col (i32.add (local.get $bs) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (i32.const 0))
          (block $qDone (loop $qNext
            (br_if $qDone (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $sum (f32.add (local.get $sum)
              (f32.mul (f32.load (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))
                (f32.load (local.get $col)))))
            (local.set $col (i32.add (local.get $col) (local.get $rowBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $qNext)))
          (f32.store (local.get $o) (local.get $sum))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $tNext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iNext)))
      ;; b's next batch entry
      (local.set $bs (i32.add (local.get $bs) (i32.mul (local.get $k) (local.get $rowBytes))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sNext))))
)
