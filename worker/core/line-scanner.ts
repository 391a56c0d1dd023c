/**
 * The lines of a block and the fields of Apache's combined format (or nginx's default one) on
 * each, found sixteen bytes a step by scan-lines.wasm (built from scan-lines.wat), exactly where
 * scan-line.ts finds them; a line it cannot read that way is left to the JavaScript (see
 * Analyzer.pushBytes). In workerd it halves the analysis time: there a `Uint8Array`'s `indexOf`
 * costs 45–130 ns a call. In Node, whose `Buffer.indexOf` is memchr, it changes nothing measurable.
 *
 * Workers cannot compile WebAssembly at run time: the host compiles (Node) or imports (Workers)
 * the module and hands it over. One scanner serves one analysis at a time (pushBytes is
 * synchronous), so a host keeps one per process or isolate.
 */
export class LineScanner {
  /** Lines per batch: bounds the records' memory whatever the block (a block of empty lines). */
  private readonly batch: number;
  private readonly memory: WebAssembly.Memory;
  private readonly next: WebAssembly.Global;
  private readonly scanFn: (
    start: number,
    len: number,
    out: number,
    max: number,
    nginx: number,
  ) => number;
  private len = 0;
  private out = 0;
  /** The last batch's records, 10 a line (see `scan`); a view of the module's memory. */
  records = new Int32Array(0);

  constructor(module: WebAssembly.Module, batch = 4096) {
    const instance = new WebAssembly.Instance(module, {});
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.next = instance.exports.next as WebAssembly.Global;
    this.scanFn = instance.exports.scan as (
      start: number,
      len: number,
      out: number,
      max: number,
      nginx: number,
    ) => number;
    this.batch = batch;
  }

  /** Copies a block into the module's memory: the bytes `scan` reads. */
  load(b: Uint8Array): void {
    // The bytes, 16 spare bytes (a step may read past the end), then the records.
    this.len = b.length;
    this.out = (b.length + 16 + 15) & ~15;
    const need = this.out + 40 * this.batch;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    new Uint8Array(this.memory.buffer).set(b);
    this.records = new Int32Array(this.memory.buffer, this.out, 10 * this.batch);
  }

  /**
   * Reads up to a batch of lines of the loaded block from `start`, in Apache's combined format or,
   * with `nginx`, nginx's default one; returns how many, and `nextStart` tells where the next batch
   * starts (the block's length or more when none is left). Line k's record, at records[10k …]:
   * start, end (without the newline, and without a carriage return before it), then, when the
   * fields were found (hostEnd ≥ 0, else -1): hostEnd, timeStart, timeEnd, requestEnd, statusEnd,
   * bytesEnd, refererEnd, agentEnd. The fields start where the format's literals put them: host at
   * start, request at timeEnd + 2 (nginx: + 3), status at requestEnd + 2, bytes at statusEnd + 1,
   * referer at bytesEnd + 2, agent at refererEnd + 3.
   */
  scan(start: number, nginx: boolean): number {
    return this.scanFn(start, this.len, this.out, this.batch, nginx ? 1 : 0);
  }

  get nextStart(): number {
    return this.next.value as number;
  }
}
