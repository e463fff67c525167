;; AirLoRA's vector kernels (docs/algorithms.md section 4.7): the hot loops of the update codec and of
;; aggregation, four or eight values per instruction with WebAssembly SIMD. Built into kernels-wasm.ts by
;; `npm run build:kernels` (wabt). Every count is a multiple of 8 elements: the TypeScript side pads with zeros.
;; Each kernel computes exactly what its scalar TypeScript twin computes, bit for bit (tests compare them).
(module
  ;; 768 KiB, fixed: views made once never detach. Layout in simd-kernels.ts.
  (memory (export "memory") 12 12)

  ;; 1 if any of the n float32 at $p is NaN or +-Infinity (exponent field all ones), else 0.
  (func (export "anyNonFinite32") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $seen v128) (local $exp v128)
    (local.set $exp (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $seen
          (v128.or
            (v128.or (local.get $seen)
              (i32x4.eq (v128.and (v128.load (local.get $p)) (local.get $exp)) (local.get $exp)))
            (i32x4.eq (v128.and (v128.load offset=16 (local.get $p)) (local.get $exp)) (local.get $exp))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next)))
    (v128.any_true (local.get $seen)))

;; n float32 at $src -> n halves at $dst, eight per pass, rounded to nearest even; 1 if any value is NaN,
  ;; Infinity or rounds beyond fp16's largest finite value (|x| >= 65520), and the output is then not to be used.
  ;; Normal halves (2^-14 <= |x| < 65520): exponent rebiased and 13 mantissa bits rounded off, the carry moving into
  ;; the exponent. Below 2^-14 the half is the integer nearest |x| * 2^24: adding 0.5 puts |x| in the binade whose
  ;; unit in the last place is 2^-24, so the float add itself rounds (ties to even), and the bits above 0.5's are
  ;; that integer; 1024 there is the smallest normal half, as it should be. (Bodies are written out in the loops:
  ;; V8 does not inline calls that take a v128, and a call per four values costs more than the work.)
  (func (export "toHalves") (param $src i32) (param $dst i32) (param $n i32) (result i32)
    (local $end i32) (local $x0 v128) (local $x1 v128) (local $mag v128) (local $bad v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $x0 (v128.load (local.get $src)))
        (local.set $x1 (v128.load offset=16 (local.get $src)))
        (local.set $mag (v128.and (local.get $x0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $bad
          (v128.or (local.get $bad)
            (i32x4.gt_s (local.get $mag) (v128.const i32x4 0x477fefff 0x477fefff 0x477fefff 0x477fefff))))
        (local.set $x0
          (v128.or
            (v128.bitselect
              (i32x4.sub
                (f32x4.add (local.get $mag) (v128.const f32x4 0.5 0.5 0.5 0.5))
                (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000))
              (i32x4.shr_u
                (i32x4.add
                  (i32x4.add (local.get $mag) (v128.const i32x4 0xc8000fff 0xc8000fff 0xc8000fff 0xc8000fff))
                  (v128.and (i32x4.shr_u (local.get $mag) (i32.const 13)) (v128.const i32x4 1 1 1 1)))
                (i32.const 13))
              (i32x4.gt_s (v128.const i32x4 0x38800000 0x38800000 0x38800000 0x38800000) (local.get $mag)))
            (v128.and (i32x4.shr_u (local.get $x0) (i32.const 16)) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000))))
        (local.set $mag (v128.and (local.get $x1) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $bad
          (v128.or (local.get $bad)
            (i32x4.gt_s (local.get $mag) (v128.const i32x4 0x477fefff 0x477fefff 0x477fefff 0x477fefff))))
        (local.set $x1
          (v128.or
            (v128.bitselect
              (i32x4.sub
                (f32x4.add (local.get $mag) (v128.const f32x4 0.5 0.5 0.5 0.5))
                (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000))
              (i32x4.shr_u
                (i32x4.add
                  (i32x4.add (local.get $mag) (v128.const i32x4 0xc8000fff 0xc8000fff 0xc8000fff 0xc8000fff))
                  (v128.and (i32x4.shr_u (local.get $mag) (i32.const 13)) (v128.const i32x4 1 1 1 1)))
                (i32.const 13))
              (i32x4.gt_s (v128.const i32x4 0x38800000 0x38800000 0x38800000 0x38800000) (local.get $mag)))
            (v128.and (i32x4.shr_u (local.get $x1) (i32.const 16)) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000))))
        (v128.store (local.get $dst) (i16x8.narrow_i32x4_u (local.get $x0) (local.get $x1)))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next)))
    (v128.any_true (local.get $bad)))

  ;; n halves at $src -> n float32 at $dst, four per pass; 1 if any half is NaN or Infinity (exponent all ones).
  ;; Normal: exponent rebiased by +112; subnormal and zero: mantissa * 2^-24, exact in float32. The sign is ORed in
  ;; last (so -0 stays -0).
  (func (export "fromHalves") (param $src i32) (param $dst i32) (param $n i32) (result i32)
    (local $end i32) (local $h v128) (local $bad v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $h (v128.load16x4_u (local.get $src)))
        (local.set $bad
          (v128.or (local.get $bad)
            (i32x4.eq
              (v128.and (local.get $h) (v128.const i32x4 0x7c00 0x7c00 0x7c00 0x7c00))
              (v128.const i32x4 0x7c00 0x7c00 0x7c00 0x7c00))))
        (v128.store (local.get $dst)
          (v128.or
            (v128.bitselect
              (f32x4.mul
                (f32x4.convert_i32x4_s (v128.and (local.get $h) (v128.const i32x4 0x3ff 0x3ff 0x3ff 0x3ff)))
                (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8))
              (i32x4.add
                (i32x4.shl (v128.and (local.get $h) (v128.const i32x4 0x7fff 0x7fff 0x7fff 0x7fff)) (i32.const 13))
                (v128.const i32x4 0x38000000 0x38000000 0x38000000 0x38000000))
              (i32x4.eq
                (v128.and (local.get $h) (v128.const i32x4 0x7c00 0x7c00 0x7c00 0x7c00))
                (v128.const i32x4 0 0 0 0)))
            (i32x4.shl (v128.and (local.get $h) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000)) (i32.const 16))))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next)))
    (v128.any_true (local.get $bad)))

;; The accumulator of n float32 at byte 131072 (CHUNK * 8 in simd-kernels.ts) gets w0 x0[i], then w1 x1[i], and
  ;; so on, all float32 and in that order (the scalar loop rounds each product and each sum to float32 the same way);
  ;; x_c is the n float32 at byte 196608 + c * 65792 (a chunk plus 256 bytes, so that the nine streams do not all
  ;; fall into the same cache sets, as a power-of-two stride would make them). The layout is fixed so that one index addresses every array
  ;; through constant offsets, eight elements per pass; eight contributors per call where there are eight, then four.
  (func (export "accumulate8") (param $n i32) (param $w0 f32) (param $w1 f32) (param $w2 f32) (param $w3 f32) (param $w4 f32) (param $w5 f32) (param $w6 f32) (param $w7 f32)
    (local $p i32) (local $end i32) (local $a v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $s0 (f32x4.splat (local.get $w0)))
    (local.set $s1 (f32x4.splat (local.get $w1)))
    (local.set $s2 (f32x4.splat (local.get $w2)))
    (local.set $s3 (f32x4.splat (local.get $w3)))
    (local.set $s4 (f32x4.splat (local.get $w4)))
    (local.set $s5 (f32x4.splat (local.get $w5)))
    (local.set $s6 (f32x4.splat (local.get $w6)))
    (local.set $s7 (f32x4.splat (local.get $w7)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (v128.load offset=131072 (local.get $p)))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=196608 (local.get $p)) (local.get $s0))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=262400 (local.get $p)) (local.get $s1))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=328192 (local.get $p)) (local.get $s2))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=393984 (local.get $p)) (local.get $s3))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=459776 (local.get $p)) (local.get $s4))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=525568 (local.get $p)) (local.get $s5))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=591360 (local.get $p)) (local.get $s6))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=657152 (local.get $p)) (local.get $s7))))
        (v128.store offset=131072 (local.get $p) (local.get $a))
        (local.set $a (v128.load offset=131088 (local.get $p)))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=196624 (local.get $p)) (local.get $s0))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=262416 (local.get $p)) (local.get $s1))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=328208 (local.get $p)) (local.get $s2))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=394000 (local.get $p)) (local.get $s3))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=459792 (local.get $p)) (local.get $s4))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=525584 (local.get $p)) (local.get $s5))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=591376 (local.get $p)) (local.get $s6))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=657168 (local.get $p)) (local.get $s7))))
        (v128.store offset=131088 (local.get $p) (local.get $a))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next))))

  (func (export "accumulate4") (param $n i32) (param $w0 f32) (param $w1 f32) (param $w2 f32) (param $w3 f32)
    (local $p i32) (local $end i32) (local $a v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $s0 (f32x4.splat (local.get $w0)))
    (local.set $s1 (f32x4.splat (local.get $w1)))
    (local.set $s2 (f32x4.splat (local.get $w2)))
    (local.set $s3 (f32x4.splat (local.get $w3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (v128.load offset=131072 (local.get $p)))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=196608 (local.get $p)) (local.get $s0))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=262400 (local.get $p)) (local.get $s1))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=328192 (local.get $p)) (local.get $s2))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=393984 (local.get $p)) (local.get $s3))))
        (v128.store offset=131072 (local.get $p) (local.get $a))
        (local.set $a (v128.load offset=131088 (local.get $p)))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=196624 (local.get $p)) (local.get $s0))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=262416 (local.get $p)) (local.get $s1))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=328208 (local.get $p)) (local.get $s2))))
        (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=394000 (local.get $p)) (local.get $s3))))
        (v128.store offset=131088 (local.get $p) (local.get $a))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next))))

  ;; acc[i] += w x[i], float32.
  (func (export "accumulate1") (param $acc i32) (param $x i32) (param $n i32) (param $w f32)
    (local $end i32) (local $s v128)
    (local.set $s (f32x4.splat (local.get $w)))
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
        (v128.store (local.get $acc)
          (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (v128.load (local.get $x)) (local.get $s))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $next))))
)
