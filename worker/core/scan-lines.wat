;; Finds the lines of a block of log bytes and, on each, the fields of Apache's combined format
;; (or nginx's default one), exactly as scan-line.ts finds them (see line-scanner.ts), sixteen
;; bytes a step. Built into scan-lines.wasm by scripts/build-wasm.mjs; a test checks that they agree.
(module
  (memory (export "memory") 1)
  ;; Where the next batch starts: after the last line read.
  (global $next (export "next") (mut i32) (i32.const 0))
  ;; The first byte equal to a lane of $v in [i, end), or end. Reads up to 15 bytes past end.
  (func $find (param $i i32) (param $end i32) (param $v v128) (result i32)
    (local $m i32)
    (block $none
      (loop $vec
        (br_if $none (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (local.get $v))))
        (if (local.get $m)
          (then
            (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
            (return (select (local.get $i) (local.get $end) (i32.lt_s (local.get $i) (local.get $end))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (local.get $end))

  ;; The first whole literal of $n (2 or 3) bytes $lit (little-endian; its first byte in each lane
  ;; of $v) that starts in [i, end) and ends by end, or end.
  (func $findLit (param $i i32) (param $end i32) (param $v v128) (param $lit i32) (param $n i32) (result i32)
    (local $mask i32)
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (i32.shl (local.get $n) (i32.const 3))) (i32.const 1)))
    (loop $next
      (local.set $i (call $find (local.get $i) (local.get $end) (local.get $v)))
      (if (i32.gt_s (i32.add (local.get $i) (local.get $n)) (local.get $end)) (then (return (local.get $end))))
      (if (i32.eq (i32.and (i32.load (local.get $i)) (local.get $mask)) (local.get $lit)) (then (return (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))
    (local.get $end))

  ;; Up to $max lines of [start, len), the block's bytes at 0: per line 10 i32 at $out (start, end
  ;; without the newline and a carriage return before it, hostEnd, timeStart, timeEnd, reqEnd,
  ;; statusEnd, bytesEnd, refEnd, uaEnd), hostEnd -1 when the line is left to the general loop.
  ;; The head is Apache's (`%h %l %u %t "`) or, when $nginx is 1, nginx's default one. Returns the
  ;; number of lines; $next is where the next batch starts.
  (func (export "scan") (param $start i32) (param $len i32) (param $out i32) (param $max i32) (param $nginx i32) (result i32)
    (local $pos i32) (local $nl i32) (local $e i32) (local $n i32) (local $rec i32) (local $i i32)
    (local $hostEnd i32) (local $timeStart i32) (local $timeEnd i32) (local $reqEnd i32)
    (local $statusEnd i32) (local $bytesEnd i32) (local $refEnd i32) (local $uaStart i32)
    (local $NL v128) (local $SP v128) (local $QU v128) (local $BR v128)
    (local.set $NL (i8x16.splat (i32.const 10)))
    (local.set $SP (i8x16.splat (i32.const 32)))
    (local.set $QU (i8x16.splat (i32.const 34)))
    (local.set $BR (i8x16.splat (i32.const 93)))
    (local.set $pos (local.get $start))
    (local.set $rec (local.get $out))
    (block $exit
      (loop $lines
        (br_if $exit (i32.ge_s (local.get $pos) (local.get $len)))
        (br_if $exit (i32.ge_s (local.get $n) (local.get $max)))
        (local.set $nl (call $find (local.get $pos) (local.get $len) (local.get $NL)))
        (local.set $e (local.get $nl))
        (if (i32.gt_s (local.get $nl) (local.get $pos))
          (then (if (i32.eq (i32.load8_u (i32.sub (local.get $nl) (i32.const 1))) (i32.const 13))
            (then (local.set $e (i32.sub (local.get $nl) (i32.const 1)))))))
        (i32.store (local.get $rec) (local.get $pos))
        (i32.store offset=4 (local.get $rec) (local.get $e))
        (i32.store offset=8 (local.get $rec) (i32.const -1))
        (block $fail
          (br_if $fail (i32.eq (local.get $pos) (local.get $e)))
          (if (i32.eqz (local.get $nginx))
            (then
              ;; Apache's `%h %l %u %t "`. host: to the first space
              (local.set $i (call $find (local.get $pos) (local.get $e) (local.get $SP)))
              (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
              (local.set $hostEnd (local.get $i))
              ;; ident, user: a space each
              (local.set $i (call $find (i32.add (local.get $i) (i32.const 1)) (local.get $e) (local.get $SP)))
              (local.set $i (call $find (i32.add (local.get $i) (i32.const 1)) (local.get $e) (local.get $SP)))
              (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $timeStart (local.get $i))
              ;; time, then ` "`: the first quote behind a space
              (loop $time
                (local.set $i (call $find (i32.add (local.get $i) (i32.const 1)) (local.get $e) (local.get $QU)))
                (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
                (br_if $time (i32.ne (i32.load8_u (i32.sub (local.get $i) (i32.const 1))) (i32.const 32))))
              (local.set $timeEnd (i32.sub (local.get $i) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 1))))
            (else
              ;; nginx's `$remote_addr - $remote_user [$time_local] "`: each field ends at the first
              ;; whole literal after it, as the general loop finds it. host: to " - "
              (local.set $i (call $findLit (local.get $pos) (local.get $e) (local.get $SP) (i32.const 0x202d20) (i32.const 3)))
              (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
              (local.set $hostEnd (local.get $i))
              ;; user: to " ["
              (local.set $i (call $findLit (i32.add (local.get $i) (i32.const 3)) (local.get $e) (local.get $SP) (i32.const 0x5b20) (i32.const 2)))
              (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
              (local.set $timeStart (i32.add (local.get $i) (i32.const 2)))
              ;; time: to `] "`
              (local.set $i (call $findLit (local.get $timeStart) (local.get $e) (local.get $BR) (i32.const 0x22205d) (i32.const 3)))
              (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
              (local.set $timeEnd (local.get $i))
              (local.set $i (i32.add (local.get $i) (i32.const 3)))))
          ;; "request" then a space
          (loop $req
            (local.set $i (call $find (local.get $i) (local.get $e) (local.get $QU)))
            (br_if $fail (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $e)))
            (br_if $fail (i32.eq (i32.load8_u (i32.sub (local.get $i) (i32.const 1))) (i32.const 92)))
            (if (i32.ne (i32.load8_u (i32.add (local.get $i) (i32.const 1))) (i32.const 32))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $req))))
          (local.set $reqEnd (local.get $i))
          ;; status, then a space
          (local.set $i (call $find (i32.add (local.get $i) (i32.const 2)) (local.get $e) (local.get $SP)))
          (br_if $fail (i32.ge_s (local.get $i) (local.get $e)))
          (local.set $statusEnd (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          ;; bytes, then ` "`
          (loop $bytes
            (local.set $i (call $find (local.get $i) (local.get $e) (local.get $SP)))
            (br_if $fail (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $e)))
            (if (i32.ne (i32.load8_u (i32.add (local.get $i) (i32.const 1))) (i32.const 34))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $bytes))))
          (local.set $bytesEnd (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          ;; "referer" then ` "`
          (loop $ref
            (local.set $i (call $find (local.get $i) (local.get $e) (local.get $QU)))
            (br_if $fail (i32.gt_s (i32.add (local.get $i) (i32.const 3)) (local.get $e)))
            (br_if $fail (i32.eq (i32.load8_u (i32.sub (local.get $i) (i32.const 1))) (i32.const 92)))
            (if (i32.or
                  (i32.ne (i32.load8_u (i32.add (local.get $i) (i32.const 1))) (i32.const 32))
                  (i32.ne (i32.load8_u (i32.add (local.get $i) (i32.const 2))) (i32.const 34)))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $ref))))
          (local.set $refEnd (local.get $i))
          (local.set $uaStart (i32.add (local.get $i) (i32.const 3)))
          (i32.store offset=8 (local.get $rec) (local.get $hostEnd))
          (i32.store offset=12 (local.get $rec) (local.get $timeStart))
          (i32.store offset=16 (local.get $rec) (local.get $timeEnd))
          (i32.store offset=20 (local.get $rec) (local.get $reqEnd))
          (i32.store offset=24 (local.get $rec) (local.get $statusEnd))
          (i32.store offset=28 (local.get $rec) (local.get $bytesEnd))
          (i32.store offset=32 (local.get $rec) (local.get $refEnd))
          (i32.store offset=36 (local.get $rec)
            (select
              (i32.sub (local.get $e) (i32.const 1))
              (local.get $e)
              (i32.and
                (i32.eq (i32.load8_u (i32.sub (local.get $e) (i32.const 1))) (i32.const 34))
                (i32.ge_s (i32.sub (local.get $e) (i32.const 1)) (local.get $uaStart))))))
        (local.set $rec (i32.add (local.get $rec) (i32.const 40)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $pos (i32.add (local.get $nl) (i32.const 1)))
        (br $lines)))
    (global.set $next (local.get $pos))
    (local.get $n))
)
