;; fillNormal's fast path (random.ts) in WebAssembly: one xoshiro128** draw per value, kept when it falls in its
;; ziggurat layer's rectangle (≈ 97.2 %), else listed for random.ts's slow path. The same integer and float64
;; operations as random.ts's JavaScript loop, in the same order, so the float32 values are bit for bit the same.
;; Compiled by scripts/build-wasm.ts into normal-kernel-wasm.ts (bytes); a unit test checks those bytes are this file's.
;;
;; Layout (byte offsets into the exported memory, set by random.ts):
;;   [0, 16)       the main stream's state words a, b, c, d (i32), read at the start and written back at the end
;;   [1024, 3072)  ±(layer width)·std as f64, indexed by the draw's low 8 bits (layer and sign)
;;   [3072, 3584)  each layer's acceptance bound as i32, indexed by the draw's low 7 bits
;;   $out          n float32 values
;;   $missed       (index, draw) i32 pairs of the draws that missed their rectangle; the count is returned
(module
  (memory (export "memory") 1)
  (func (export "fill") (param $n i32) (param $mean f64) (param $out i32) (param $missed i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $i i32) (local $u i32) (local $m i32)
    (local $t i32) (local $position i32) (local $count i32) (local $pair i32)
    (local.set $a (i32.load offset=0 (i32.const 0)))
    (local.set $b (i32.load offset=4 (i32.const 0)))
    (local.set $c (i32.load offset=8 (i32.const 0)))
    (local.set $d (i32.load offset=12 (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; xoshiro128**: u = rotl(b·5, 7)·9, then the state update.
        (local.set $m (i32.mul (local.get $b) (i32.const 5)))
        (local.set $u (i32.mul (i32.rotl (local.get $m) (i32.const 7)) (i32.const 9)))
        (local.set $t (i32.shl (local.get $b) (i32.const 9)))
        (local.set $c (i32.xor (local.get $c) (local.get $a)))
        (local.set $d (i32.xor (local.get $d) (local.get $b)))
        (local.set $b (i32.xor (local.get $b) (local.get $c)))
        (local.set $a (i32.xor (local.get $a) (local.get $d)))
        (local.set $c (i32.xor (local.get $c) (local.get $t)))
        (local.set $d (i32.rotl (local.get $d) (i32.const 11)))
        ;; The 24-bit position inside the layer; inside the rectangle when below the layer's bound.
        (local.set $position (i32.shr_u (local.get $u) (i32.const 8)))
        (if (i32.lt_s (local.get $position)
                      (i32.load offset=3072 (i32.shl (i32.and (local.get $u) (i32.const 127)) (i32.const 2))))
          (then
            ;; mean + position · (±width·std), rounded once to float32.
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
              (f32.demote_f64 (f64.add (local.get $mean)
                (f64.mul (f64.convert_i32_s (local.get $position))
                         (f64.load offset=1024 (i32.shl (i32.and (local.get $u) (i32.const 255)) (i32.const 3))))))))
          (else
            (local.set $pair (i32.add (local.get $missed) (i32.shl (local.get $count) (i32.const 3))))
            (i32.store offset=0 (local.get $pair) (local.get $i))
            (i32.store offset=4 (local.get $pair) (local.get $u))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store offset=0 (i32.const 0) (local.get $a))
    (i32.store offset=4 (i32.const 0) (local.get $b))
    (i32.store offset=8 (i32.const 0) (local.get $c))
    (i32.store offset=12 (i32.const 0) (local.get $d))
    (local.get $count)))
