;; First-pass kernels of the binary-rescore engine. Codes are sign bits packed into little-endian u64
;; words; the kernels work on memory owned by the JS side (imported), so the index can grow it.
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = popcount(codes[i] XOR query) as u16, for n codes of `words` u64 words each.
  (func (export "hamming")
    (param $codes i32) (param $n i32) (param $words i32) (param $query i32) (param $out i32)
    (local $i i32) (local $w i32) (local $p i32) (local $acc i64)
    (local $q0 i64) (local $q1 i64) (local $q2 i64) (local $q3 i64)
    (local $q4 i64) (local $q5 i64) (local $q6 i64) (local $q7 i64)
    (local.set $p (local.get $codes))
    (if (i32.eq (local.get $words) (i32.const 8))
      (then
        ;; 512-bit codes (512-d and 384-d spaces): unrolled, query held in locals.
        (local.set $q0 (i64.load offset=0 (local.get $query)))
        (local.set $q1 (i64.load offset=8 (local.get $query)))
        (local.set $q2 (i64.load offset=16 (local.get $query)))
        (local.set $q3 (i64.load offset=24 (local.get $query)))
        (local.set $q4 (i64.load offset=32 (local.get $query)))
        (local.set $q5 (i64.load offset=40 (local.get $query)))
        (local.set $q6 (i64.load offset=48 (local.get $query)))
        (local.set $q7 (i64.load offset=56 (local.get $query)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store16
              (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))
              (i32.wrap_i64
                (i64.add
                  (i64.add
                    (i64.add
                      (i64.popcnt (i64.xor (i64.load offset=0 (local.get $p)) (local.get $q0)))
                      (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1))))
                    (i64.add
                      (i64.popcnt (i64.xor (i64.load offset=16 (local.get $p)) (local.get $q2)))
                      (i64.popcnt (i64.xor (i64.load offset=24 (local.get $p)) (local.get $q3)))))
                  (i64.add
                    (i64.add
                      (i64.popcnt (i64.xor (i64.load offset=32 (local.get $p)) (local.get $q4)))
                      (i64.popcnt (i64.xor (i64.load offset=40 (local.get $p)) (local.get $q5))))
                    (i64.add
                      (i64.popcnt (i64.xor (i64.load offset=48 (local.get $p)) (local.get $q6)))
                      (i64.popcnt (i64.xor (i64.load offset=56 (local.get $p)) (local.get $q7))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next))))
      (else
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $acc (i64.const 0))
            (local.set $w (i32.const 0))
            (block $wdone
              (loop $wnext
                (br_if $wdone (i32.ge_u (local.get $w) (local.get $words)))
                (local.set $acc
                  (i64.add (local.get $acc)
                    (i64.popcnt
                      (i64.xor
                        (i64.load (local.get $p))
                        (i64.load (i32.add (local.get $query) (i32.shl (local.get $w) (i32.const 3))))))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $w (i32.add (local.get $w) (i32.const 1)))
                (br $wnext)))
            (i32.store16
              (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))
              (i32.wrap_i64 (local.get $acc)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next))))))

;; out[i] = popcount(codes[slots[i]] XOR query) as u16 for i < count: full distances of a few slots.
  (func (export "hamming_at")
    (param $codes i32) (param $words i32) (param $query i32) (param $slots i32) (param $count i32) (param $out i32)
    (local $i i32) (local $w i32) (local $p i32) (local $acc i64) (local $stride i32)
    (local.set $stride (i32.shl (local.get $words) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $p
          (i32.add (local.get $codes)
            (i32.mul (i32.load (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 2))))
                     (local.get $stride))))
        (local.set $acc (i64.const 0))
        (local.set $w (i32.const 0))
        (block $wdone
          (loop $wnext
            (br_if $wdone (i32.ge_u (local.get $w) (local.get $words)))
            (local.set $acc
              (i64.add (local.get $acc)
                (i64.popcnt
                  (i64.xor
                    (i64.load (i32.add (local.get $p) (i32.shl (local.get $w) (i32.const 3))))
                    (i64.load (i32.add (local.get $query) (i32.shl (local.get $w) (i32.const 3))))))))
            (local.set $w (i32.add (local.get $w) (i32.const 1)))
            (br $wnext)))
        (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1))) (i32.wrap_i64 (local.get $acc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; hist[d] += 1 for every u16 distance d (hist is u32[], zeroed by the caller).
  (func (export "histogram") (param $dist i32) (param $n i32) (param $hist i32)
    (local $i i32) (local $slot i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $slot
          (i32.add (local.get $hist)
            (i32.shl (i32.load16_u (i32.add (local.get $dist) (i32.shl (local.get $i) (i32.const 1))))
                     (i32.const 2))))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Writes the indices i with dist[i] <= maxd to out (u32[]), stopping after max of them; returns the count.
  (func (export "collect")
    (param $dist i32) (param $n i32) (param $maxd i32) (param $out i32) (param $max i32) (result i32)
    (local $i i32) (local $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.le_u (i32.load16_u (i32.add (local.get $dist) (i32.shl (local.get $i) (i32.const 1))))
                      (local.get $maxd))
          (then
            (br_if $done (i32.ge_u (local.get $count) (local.get $max)))
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $count))
)
