;; The O(n³) step of sampleOrthogonal (orthogonal.ts) in WebAssembly SIMD: Q ← (I − V·T·Vᵀ)·Q for a block of
;; four Householder reflectors, on float32 columns four rows at a time. Compiled by scripts/build-wasm.ts into
;; orthogonal-kernel-wasm.ts (bytes); a unit test checks that those bytes are this file's.
;;
;; Layout (byte offsets into the exported memory, all 16-byte aligned, set by orthogonal.ts):
;;   Q's column c at $q + c·$stride, reflector i's vector at $v + i·$stride; $stride = 4·(n rounded up to 4).
;;   Vector i is zero above row i and in the padding rows, and every column c ≥ j of Q is zero above row j,
;;   so the loops may start at $from = (j rounded down to 4)·4 bytes and run to $stride: the extra rows add zeros.
;; T is the upper triangular 4 × 4 factor of the block (LAPACK's dlarft); entries of missing reflectors are 0.
;; Lanes are summed in a fixed order, so the result is the same on every machine (no fused multiply-add).
(module
  (memory (export "memory") 1)

  ;; Σ of the four lanes of a, as ((a0 + a1) + (a2 + a3)).
  (func $sum (param $a v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
      (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))

  ;; Columns [$j, $end) of Q (those the block touches), two at a time, then the last one alone.
  (func (export "applyBlock")
    (param $q i32) (param $v i32) (param $stride i32) (param $end i32) (param $j i32) (param $from i32)
    (param $t00 f32) (param $t01 f32) (param $t02 f32) (param $t03 f32)
    (param $t11 f32) (param $t12 f32) (param $t13 f32)
    (param $t22 f32) (param $t23 f32) (param $t33 f32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32)
    (local $c i32) (local $pa i32) (local $pb i32) (local $r i32)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $x v128) (local $y v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $w0 f32) (local $w1 f32) (local $w2 f32) (local $w3 f32)
    (local $ua0 v128) (local $ua1 v128) (local $ua2 v128) (local $ua3 v128)
    (local $ub0 v128) (local $ub1 v128) (local $ub2 v128) (local $ub3 v128)
    (local.set $v0 (i32.add (local.get $v) (i32.mul (local.get $j) (local.get $stride))))
    (local.set $v1 (i32.add (local.get $v0) (local.get $stride)))
    (local.set $v2 (i32.add (local.get $v1) (local.get $stride)))
    (local.set $v3 (i32.add (local.get $v2) (local.get $stride)))
    (local.set $c (local.get $j))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_s (i32.add (local.get $c) (i32.const 2)) (local.get $end)))
        (local.set $pa (i32.add (local.get $q) (i32.mul (local.get $c) (local.get $stride))))
        (local.set $pb (i32.add (local.get $pa) (local.get $stride)))
        ;; w = Vᵀ·q for both columns.
        (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0)) (local.set $a3 (v128.const f32x4 0 0 0 0))
        (local.set $b0 (v128.const f32x4 0 0 0 0)) (local.set $b1 (v128.const f32x4 0 0 0 0))
        (local.set $b2 (v128.const f32x4 0 0 0 0)) (local.set $b3 (v128.const f32x4 0 0 0 0))
        (local.set $r (local.get $from))
        (block $dot_done
          (loop $dot
            (br_if $dot_done (i32.ge_u (local.get $r) (local.get $stride)))
            (local.set $x (v128.load (i32.add (local.get $pa) (local.get $r))))
            (local.set $y (v128.load (i32.add (local.get $pb) (local.get $r))))
            (local.set $e0 (v128.load (i32.add (local.get $v0) (local.get $r))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $e0) (local.get $x))))
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $e0) (local.get $y))))
            (local.set $e1 (v128.load (i32.add (local.get $v1) (local.get $r))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $e1) (local.get $x))))
            (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $e1) (local.get $y))))
            (local.set $e2 (v128.load (i32.add (local.get $v2) (local.get $r))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $e2) (local.get $x))))
            (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $e2) (local.get $y))))
            (local.set $e3 (v128.load (i32.add (local.get $v3) (local.get $r))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $e3) (local.get $x))))
            (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $e3) (local.get $y))))
            (local.set $r (i32.add (local.get $r) (i32.const 16)))
            (br $dot)))
        ;; u = T·w, splatted.
        (local.set $w0 (call $sum (local.get $a0))) (local.set $w1 (call $sum (local.get $a1)))
        (local.set $w2 (call $sum (local.get $a2))) (local.set $w3 (call $sum (local.get $a3)))
        (local.set $ua0 (f32x4.splat
          (f32.add (f32.add (f32.mul (local.get $t00) (local.get $w0)) (f32.mul (local.get $t01) (local.get $w1)))
                   (f32.add (f32.mul (local.get $t02) (local.get $w2)) (f32.mul (local.get $t03) (local.get $w3))))))
        (local.set $ua1 (f32x4.splat
          (f32.add (f32.add (f32.mul (local.get $t11) (local.get $w1)) (f32.mul (local.get $t12) (local.get $w2)))
                   (f32.mul (local.get $t13) (local.get $w3)))))
        (local.set $ua2 (f32x4.splat (f32.add (f32.mul (local.get $t22) (local.get $w2)) (f32.mul (local.get $t23) (local.get $w3)))))
        (local.set $ua3 (f32x4.splat (f32.mul (local.get $t33) (local.get $w3))))
        (local.set $w0 (call $sum (local.get $b0))) (local.set $w1 (call $sum (local.get $b1)))
        (local.set $w2 (call $sum (local.get $b2))) (local.set $w3 (call $sum (local.get $b3)))
        (local.set $ub0 (f32x4.splat
          (f32.add (f32.add (f32.mul (local.get $t00) (local.get $w0)) (f32.mul (local.get $t01) (local.get $w1)))
                   (f32.add (f32.mul (local.get $t02) (local.get $w2)) (f32.mul (local.get $t03) (local.get $w3))))))
        (local.set $ub1 (f32x4.splat
          (f32.add (f32.add (f32.mul (local.get $t11) (local.get $w1)) (f32.mul (local.get $t12) (local.get $w2)))
                   (f32.mul (local.get $t13) (local.get $w3)))))
        (local.set $ub2 (f32x4.splat (f32.add (f32.mul (local.get $t22) (local.get $w2)) (f32.mul (local.get $t23) (local.get $w3)))))
        (local.set $ub3 (f32x4.splat (f32.mul (local.get $t33) (local.get $w3))))
        ;; q −= V·u for both columns.
        (local.set $r (local.get $from))
        (block $update_done
          (loop $update
            (br_if $update_done (i32.ge_u (local.get $r) (local.get $stride)))
            (local.set $e0 (v128.load (i32.add (local.get $v0) (local.get $r))))
            (local.set $e1 (v128.load (i32.add (local.get $v1) (local.get $r))))
            (local.set $e2 (v128.load (i32.add (local.get $v2) (local.get $r))))
            (local.set $e3 (v128.load (i32.add (local.get $v3) (local.get $r))))
            (v128.store (i32.add (local.get $pa) (local.get $r))
              (f32x4.sub (v128.load (i32.add (local.get $pa) (local.get $r)))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $e0) (local.get $ua0)) (f32x4.mul (local.get $e1) (local.get $ua1)))
                  (f32x4.add (f32x4.mul (local.get $e2) (local.get $ua2)) (f32x4.mul (local.get $e3) (local.get $ua3))))))
            (v128.store (i32.add (local.get $pb) (local.get $r))
              (f32x4.sub (v128.load (i32.add (local.get $pb) (local.get $r)))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $e0) (local.get $ub0)) (f32x4.mul (local.get $e1) (local.get $ub1)))
                  (f32x4.add (f32x4.mul (local.get $e2) (local.get $ub2)) (f32x4.mul (local.get $e3) (local.get $ub3))))))
            (local.set $r (i32.add (local.get $r) (i32.const 16)))
            (br $update)))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $pairs)))
    ;; The last column when the count is odd.
    (if (i32.lt_s (local.get $c) (local.get $end))
      (then
        (local.set $pa (i32.add (local.get $q) (i32.mul (local.get $c) (local.get $stride))))
        (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0)) (local.set $a3 (v128.const f32x4 0 0 0 0))
        (local.set $r (local.get $from))
        (block $dot_done
          (loop $dot
            (br_if $dot_done (i32.ge_u (local.get $r) (local.get $stride)))
            (local.set $x (v128.load (i32.add (local.get $pa) (local.get $r))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $v0) (local.get $r))) (local.get $x))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $v1) (local.get $r))) (local.get $x))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $v2) (local.get $r))) (local.get $x))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $v3) (local.get $r))) (local.get $x))))
            (local.set $r (i32.add (local.get $r) (i32.const 16)))
            (br $dot)))
        (local.set $w0 (call $sum (local.get $a0))) (local.set $w1 (call $sum (local.get $a1)))
        (local.set $w2 (call $sum (local.get $a2))) (local.set $w3 (call $sum (local.get $a3)))
        (local.set $ua0 (f32x4.splat
          (f32.add (f32.add (f32.mul (local.get $t00) (local.get $w0)) (f32.mul (local.get $t01) (local.get $w1)))
                   (f32.add (f32.mul (local.get $t02) (local.get $w2)) (f32.mul (local.get $t03) (local.get $w3))))))
        (local.set $ua1 (f32x4.splat
          (f32.add (f32.add (f32.mul (local.get $t11) (local.get $w1)) (f32.mul (local.get $t12) (local.get $w2)))
                   (f32.mul (local.get $t13) (local.get $w3)))))
        (local.set $ua2 (f32x4.splat (f32.add (f32.mul (local.get $t22) (local.get $w2)) (f32.mul (local.get $t23) (local.get $w3)))))
        (local.set $ua3 (f32x4.splat (f32.mul (local.get $t33) (local.get $w3))))
        (local.set $r (local.get $from))
        (block $update_done
          (loop $update
            (br_if $update_done (i32.ge_u (local.get $r) (local.get $stride)))
            (v128.store (i32.add (local.get $pa) (local.get $r))
              (f32x4.sub (v128.load (i32.add (local.get $pa) (local.get $r)))
                (f32x4.add
                  (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v0) (local.get $r))) (local.get $ua0))
                             (f32x4.mul (v128.load (i32.add (local.get $v1) (local.get $r))) (local.get $ua1)))
                  (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v2) (local.get $r))) (local.get $ua2))
                             (f32x4.mul (v128.load (i32.add (local.get $v3) (local.get $r))) (local.get $ua3))))))
            (local.set $r (i32.add (local.get $r) (i32.const 16)))
            (br $update)))))))
