/**
 * `vigie-agent run`: ships every new whole line of the configured logs, exactly once.
 *
 * For each chunk: its range is written to the state as "inflight" (atomically), the chunk is
 * sent, and only a 2xx moves the checkpoint past it. Killed anywhere, the next run re-sends at
 * most that one inflight range, which the worker recognises ("already-applied") or applies.
 */
import { createHash } from "node:crypto";
import { gzipChunks, rawLimitFor, type GzipChunk } from "./chunker";
import { describeError, formatBytes, shortId, withCleanup, type Context } from "./context";
import { EXIT } from "./exit-codes";
import { NotTheWorker, WorkerUnavailable } from "./http";
import { HISTORY, scan, type ScannedSource } from "./scan";
import { standInSha } from "./stand-in";
import {
  openReader,
  sameIdentity,
  SourceReadError,
  SourceShrank,
  type ByteReader,
} from "./source-file";
import {
  FORGET_AFTER_MS,
  loadState,
  ownFile,
  saveState,
  type AgentState,
  type SourceState,
} from "./state";
import {
  ChunkOverLimit,
  endRun,
  heldChunks,
  openRun,
  postChunk,
  WorkerRefusal,
  type HeldChunk,
  type Session,
} from "./worker-client";

/** The worker's default limit; used when the worker is not asked (--dry-run). */
export const DEFAULT_CHUNK_BYTES = 10 * 1024 * 1024;
const PROGRESS_EVERY_MS = 2000;
/** The smallest chunk the agent cuts when Cloudflare stops the worker at its CPU limit. */
export const SMALLEST_CAPPED_CHUNK = 16 * 1024;

interface ChunkSizes {
  size: number;
  max: number;
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** sha-256 of the reader's next `length` bytes, or null when it ends before. */
async function hashNext(reader: ByteReader, length: number): Promise<string | null> {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(Math.min(length, 256 * 1024));
  for (let left = length; left > 0; ) {
    const n = await reader.read(buf, 0, Math.min(left, buf.length));
    if (n === 0) return null;
    hash.update(buf.subarray(0, n));
    left -= n;
  }
  return hash.digest("hex");
}

/** `between`: called after each chunk sent (a long run's heartbeats). */
export async function ship(ctx: Context, between?: () => Promise<void>): Promise<void> {
  const { deps, config } = ctx;
  const loaded = await loadState(deps, config.stateFile);
  const state: AgentState = loaded ?? { version: 1, installedAt: deps.now(), sources: {} };
  const shipper = new Shipper(ctx, state, between);
  // The first run's time is kept at once: it decides which rotated files are history.
  if (!loaded) await shipper.persist();
  const found = await scan(deps, config, state);
  for (const m of found.missing) ctx.problems.add(EXIT.unreadable, `no file matches ${m}`);
  for (const u of found.unreadable)
    ctx.problems.add(EXIT.unreadable, `cannot read ${u.path}: ${u.error}`);
  for (const { file, reason } of found.ignored) {
    ctx.info(`${file.path}: left alone, ${reason}`);
    const st = file.sourceId === null ? undefined : state.sources[file.sourceId];
    if (st?.history && !ctx.dryRun) st.seenAt = deps.now();
  }
  const shipAll = async () => {
    const queue = [
      ...found.unverified.map((s) => ({ s, verify: true })),
      ...found.sources.map((s) => ({ s, verify: false })),
    ];
    for (const { s, verify } of queue) {
      try {
        if (verify && !(await shipper.workerHolds(s))) continue;
        await shipper.source(s);
      } catch (e) {
        // One file's trouble stops that file only.
        if (e instanceof WorkerRefusal && e.exit === EXIT.refused)
          ctx.problems.add(EXIT.refused, e.message);
        else if (e instanceof SourceReadError || e instanceof SourceShrank || isFsError(e)) {
          ctx.problems.add(
            EXIT.unreadable,
            `cannot ship ${s.file.path}: ${e instanceof Error && !isFsError(e) ? e.message : describeError(e)}`,
          );
        } else throw e;
      }
    }
    const seen = new Set([...found.sources, ...found.unverified].map((s) => s.sourceId));
    for (const [id, st] of Object.entries(state.sources)) {
      if (!seen.has(id) && deps.now() - st.seenAt > FORGET_AFTER_MS) delete state.sources[id];
    }
    await shipper.persist();
  };
  try {
    await withCleanup(shipAll, async () => {
      await withCleanup(() => shipper.finish(), found.close);
    });
  } catch (e) {
    // The worker's trouble stops the whole run; the checkpoints stay where the last 2xx put them.
    if (e instanceof WorkerRefusal) ctx.problems.add(e.exit, e.message);
    else if (e instanceof NotTheWorker) ctx.problems.add(EXIT.auth, e.message);
    else if (e instanceof WorkerUnavailable)
      ctx.problems.add(EXIT.unavailable, `${e.message}; nothing was lost, the next run resumes`);
    else throw e;
  }
}

const isFsError = (e: unknown) =>
  typeof (e as NodeJS.ErrnoException)?.code === "string" &&
  typeof (e as NodeJS.ErrnoException).syscall === "string";

class Shipper {
  private session: Session | null = null;
  private sizes: ChunkSizes | null = null;
  private readonly t0: number;
  private bytes = 0;
  private chunks = 0;
  private lines = 0;
  private rejected = 0;
  private lastProgress = 0;

  constructor(
    private readonly ctx: Context,
    private readonly state: AgentState,
    private readonly between?: () => Promise<void>,
  ) {
    this.t0 = ctx.deps.now();
  }

  async persist(): Promise<void> {
    const { deps, config } = this.ctx;
    if (!this.ctx.dryRun)
      await ownFile(`cannot write the state file ${config.stateFile}`, () =>
        saveState(deps, config.stateFile, this.state),
      );
  }

  /**
   * A rotated file older than this state's first run, and not in it: history, or a file the agent
   * was shipping before its state file was lost. The worker's listing is the truth: a source it
   * holds part of is finished; one it has never seen is history, recorded as such (asked once).
   */
  async workerHolds(s: ScannedSource): Promise<boolean> {
    const { ctx } = this;
    const { file, sourceId } = s;
    if (ctx.dryRun) {
      ctx.info(
        `${file.path}: left alone, ${HISTORY}, unless the worker holds part of it (a real run asks)`,
      );
      return false;
    }
    const held = await heldChunks(ctx, sourceId, 0);
    if (held.length > 0) {
      ctx.info(
        `${file.path}: older than this state file, but the worker holds part of it (the state was lost?): finishing it`,
      );
      return true;
    }
    const { dev, ino, path } = file;
    this.state.sources[sourceId] = {
      offset: 0,
      history: true,
      path,
      dev,
      ino,
      seenAt: ctx.deps.now(),
    };
    ctx.info(`${file.path}: left alone, ${HISTORY}`);
    return false;
  }

  async source(s: ScannedSource): Promise<void> {
    const { ctx } = this;
    const { file, sourceId } = s;
    const now = ctx.deps.now();
    const known = this.state.sources[sourceId];
    // Bytes [0, cut) of the source were cut into chunks (sent, or being sent).
    const cut = known?.inflight?.end ?? known?.offset ?? 0;
    const shorter = known !== undefined && !file.gz && file.size < cut;
    if (shorter && file.dev === known.dev && file.ino === known.ino) {
      throw new SourceReadError(
        `it is now ${file.size} bytes, shorter than the ${cut} already cut from it, yet its first line is unchanged (truncated and rewritten with the very same first line?); move it away if its content is new`,
      );
    }
    const st: SourceState = known ?? {
      offset: 0,
      path: file.path,
      dev: file.dev,
      ino: file.ino,
      seenAt: now,
    };
    Object.assign(st, { path: file.path, dev: file.dev, ino: file.ino, seenAt: now });
    delete st.history; // shipped after all (backfill)
    if (!ctx.dryRun) this.state.sources[sourceId] = st;
    if (st.final || (!file.gz && file.size === st.offset && !st.inflight)) return;

    if (shorter && st.inflight === undefined) return this.nothingIn(file.path, file.size, st);
    const size = await this.chunkSizes();
    if (shorter) return this.shorterCopy(s, st, file.size, size);
    // A file this state never saw may be one the worker holds already (the state file was lost).
    if (!known && !ctx.dryRun) await this.skipHeld(s, st);
    try {
      await this.shipFrom(s, st, size);
    } catch (e) {
      if (e instanceof SourceShrank && (file.gz || file.ino !== known?.ino))
        return this.shorterCopy(s, st, e.size, size);
      // Refused as overlapping what the worker holds: the state is behind it (restored from an old
      // backup?). Skip what it holds, if the file has the very same bytes, once, and go on.
      if (!(e instanceof WorkerRefusal && e.status === 409) || !(await this.skipHeld(s, st)))
        throw e;
      await this.shipFrom(s, st, await this.chunkSizes());
    }
  }

  /**
   * A copy of the source holding fewer bytes (`size`) than were cut from it. logrotate's
   * copytruncate copies the live file, the web server writes on, and what the agent shipped from
   * the live file meanwhile is then emptied away: it is in no copy. A range in flight past the
   * copy's end is settled with the worker's listing (it holds that very chunk, or never applied
   * it); then what the copy holds past the checkpoint is shipped, and a compressed copy (finished)
   * that holds nothing more is done, with a note.
   */
  private async shorterCopy(
    s: ScannedSource,
    st: SourceState,
    size: number,
    chunkSize: ChunkSizes,
  ): Promise<void> {
    const { ctx } = this;
    const { file } = s;
    if (ctx.dryRun) {
      ctx.info(
        `${file.path}: holds ${size} bytes of this log, fewer than the ${st.inflight?.end ?? st.offset} already cut from it`,
      );
      return;
    }
    if (st.inflight && size < st.inflight.end) {
      const [held] = await heldChunks(ctx, s.sourceId, st.offset);
      const applied =
        held?.start === st.offset &&
        held.end === st.inflight.end &&
        held.sha256 === st.inflight.sha256;
      ctx.info(
        `${file.path}: bytes [${st.offset}, ${st.inflight.end}), in flight when the last run stopped, are no longer on disk; the worker ${applied ? "holds them" : "never applied them"}`,
      );
      if (applied) st.offset = st.inflight.end;
      delete st.inflight;
      await this.persist();
    }
    if (size > st.offset) return this.shipFrom(s, st, chunkSize);
    if (!file.gz) return this.nothingIn(file.path, size, st);
    st.final = true;
    await this.persist();
    ctx.deps.stderr(
      `vigie-agent: note: ${file.path} holds ${size} bytes of its log, fewer than the ${st.offset} already shipped (logrotate's copytruncate: the lines written between its copy and its truncate were shipped from the live file); nothing more to ship from it\n`,
    );
  }

  private nothingIn(path: string, size: number, st: SourceState): void {
    this.ctx.info(
      `${path}: a copy of this log holding ${size} bytes, fewer than the ${st.offset} shipped (copytruncate, or still being copied): nothing to ship from it`,
    );
  }

  /**
   * Ships the source's new whole lines from its checkpoint. A chunk Cloudflare stopped at the
   * worker's CPU limit costs as much sent again: the rest is cut in chunks half its size.
   */
  private async shipFrom(s: ScannedSource, st: SourceState, sizes: ChunkSizes): Promise<void> {
    for (;;) {
      try {
        return await this.shipChunks(s, st, sizes);
      } catch (e) {
        if (!(e instanceof ChunkOverLimit)) throw e;
        sizes = await this.smallerChunks(s, st, sizes, e);
      }
    }
  }

  /**
   * After a chunk stopped at the worker's CPU limit: the checkpoint moved past it if the worker
   * committed it before it was stopped (its listing tells), else the range is no longer in flight;
   * chunks of half its size from now on, kept in the state for later runs. Below the smallest
   * size, the file stops with a message: the plan's limit is too low for this worker.
   */
  private async smallerChunks(
    s: ScannedSource,
    st: SourceState,
    sizes: ChunkSizes,
    e: ChunkOverLimit,
  ): Promise<ChunkSizes> {
    if (!(await this.skipHeld(s, st))) {
      delete st.inflight;
      await this.persist();
    }
    const size = Math.floor(Math.min(e.end - e.start, sizes.size) / 2);
    if (size < SMALLEST_CAPPED_CHUNK)
      throw new WorkerRefusal(
        EXIT.refused,
        `${e.message}, even on a chunk of ${formatBytes(e.end - e.start)}. The Workers Free plan allows 10 ms of CPU a request; the Paid plan lifts it (README, "Deploying"). Nothing was lost: the next run resumes at byte ${st.offset}.`,
      );
    this.ctx.deps.stderr(
      `vigie-agent: note: ${e.message}; sending chunks of at most ${formatBytes(size)} from now on\n`,
    );
    this.sizes = { ...sizes, size };
    this.state.chunkCap = { bytes: size, workerLimit: this.session!.maxChunkBytes };
    await this.persist();
    return this.sizes;
  }

  /** Ships the source's new whole lines from its checkpoint, chunk by chunk. */
  private async shipChunks(s: ScannedSource, st: SourceState, sizes: ChunkSizes): Promise<void> {
    const { ctx } = this;
    const { file, sourceId } = s;
    ctx.info(
      `${file.path} [${shortId(sourceId)}]: from byte ${st.offset}${file.gz ? " (gzip, decompressed offsets)" : ` of ${file.size}`}`,
    );
    // Read from the byte before the checkpoint: a checkpoint not after a newline is inside a line
    // (after a stand-in piece that did not end it).
    const reader = openReader(file, Math.max(0, st.offset - 1));
    try {
      const before = Buffer.alloc(1);
      const midLine = st.offset > 0 && (await reader.read(before, 0, 1)) === 1 && before[0] !== 10;
      const chunks = gzipChunks(reader, st.offset, {
        ...sizes,
        firstEnd: st.inflight?.end,
        firstStandIn: st.inflight?.standIn,
        midLine,
      });
      const from = st.offset;
      const started = ctx.deps.now();
      for (let r = await chunks.next(); ; r = await chunks.next()) {
        if (r.done) {
          if (file.gz && !ctx.dryRun) st.final = true;
          if (r.value.trailing > 0)
            ctx.info(
              `${file.path}: ${r.value.trailing} bytes after the last newline ${file.gz ? "ignored (the file is finished)" : "wait for the rest of their line"}`,
            );
          return;
        }
        // A copytruncate between opening and now would mix two contents under one source: stop here.
        if (!(await sameIdentity(file))) {
          ctx.info(
            `${file.path}: truncated while being read (copytruncate); its new content goes in the next run`,
          );
          return;
        }
        await this.send(s, st, r.value);
        await this.between?.();
        this.progress(file.path, r.value.end - from, file.gz ? null : file.size - from, started);
      }
    } finally {
      reader.close();
    }
  }

  /**
   * Moves the checkpoint past the chunks the worker holds from it on, each checked against the
   * file's own bytes (sha-256): stops at the first gap or difference. True when it moved.
   */
  private async skipHeld(s: ScannedSource, st: SourceState): Promise<boolean> {
    const { ctx } = this;
    const held = await heldChunks(ctx, s.sourceId, st.offset);
    if (held.length === 0 || held[0].start !== st.offset) return false;
    let pos = st.offset;
    let endsInside: HeldChunk | undefined;
    const reader = openReader(s.file, pos);
    try {
      for (const c of held) {
        if (c.start !== pos) break;
        const hash = await hashNext(reader, c.end - c.start);
        if (hash === null) endsInside = c;
        // A piece of a line too long to send holds a stand-in: its hash is the range's own.
        if (hash !== c.sha256 && (hash === null || c.sha256 !== standInSha(c.start, c.end))) break;
        pos = c.end;
      }
    } finally {
      reader.close();
    }
    // A rotated copy ending inside a chunk the worker holds (copytruncate's window): the rest of
    // what it holds is in that chunk (its hash covers more than the copy, so cannot be checked).
    if (endsInside !== undefined && !s.file.live) pos = endsInside.end;
    if (pos === st.offset) return false;
    ctx.info(
      `${s.file.path}: the worker already holds bytes [${st.offset}, ${pos}) of it, the same as the file's: resuming after them`,
    );
    st.offset = pos;
    delete st.inflight;
    await this.persist();
    return true;
  }

  /** Sends one chunk; moves the checkpoint on a 2xx. */
  private async send(s: ScannedSource, st: SourceState, chunk: GzipChunk): Promise<void> {
    const { ctx } = this;
    const raw = chunk.end - chunk.start;
    if (
      st.inflight !== undefined &&
      chunk.start === st.offset &&
      chunk.end === st.inflight.end &&
      chunk.rawSha256 !== st.inflight.sha256
    ) {
      throw new SourceReadError(
        `bytes [${chunk.start}, ${chunk.end}) are not those sent before the previous run stopped: the file was changed in place`,
      );
    }
    if (ctx.dryRun) {
      ctx.info(
        `would send ${s.file.path} [${chunk.start}, ${chunk.end}): ${formatBytes(raw)}, gzip ${formatBytes(chunk.body.length)}`,
      );
      return;
    }
    st.inflight = { end: chunk.end, sha256: chunk.rawSha256, standIn: chunk.standIn };
    await this.persist();
    const line = chunk.longLine;
    if (line && chunk.start === line.start)
      ctx.deps.stderr(
        `vigie-agent: note: ${s.file.path}: ${line.continued ? "the rest of a line" : "a line"} of ${line.end - line.start} bytes at byte ${line.start} is longer than the worker takes in one chunk (${this.sizes!.max} bytes): sent as ${Math.ceil((line.end - line.start) / this.sizes!.max)} stand-in line(s) the worker counts as rejected\n`,
      );
    const receipt = await postChunk(ctx, {
      sourceId: s.sourceId,
      start: chunk.start,
      end: chunk.end,
      format: s.file.spec.format,
      runId: this.session!.runId,
      body: chunk.body,
      bodySha256: sha256(chunk.body),
      path: s.file.path,
    });
    st.offset = chunk.end;
    delete st.inflight;
    await this.persist();
    this.bytes += raw;
    this.chunks += 1;
    this.lines += receipt.lines ?? 0;
    this.rejected += receipt.rejected ?? 0;
    if (receipt.lines > 0 && receipt.rejected === receipt.lines && !chunk.standIn) {
      ctx.deps.stderr(
        `vigie-agent: warning: the worker rejected every line of ${s.file.path} [${chunk.start}, ${chunk.end}); is its format right (${s.file.spec.format ?? "the site's format"})?\n`,
      );
    }
  }

  /**
   * The chunk size (the configured one, capped by the worker's limit) and the longest line that
   * can be sent (the worker's limit); the worker is asked once per run.
   */
  private async chunkSizes(): Promise<ChunkSizes> {
    this.sizes ??= await this.askSizes();
    return this.sizes;
  }

  private async askSizes(): Promise<ChunkSizes> {
    const wanted = this.ctx.config.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (this.ctx.dryRun)
      return { size: wanted, max: Math.max(wanted, rawLimitFor(DEFAULT_CHUNK_BYTES)) };
    if (!this.session) {
      this.session = await openRun(this.ctx);
      this.ctx.info(
        `upload run ${this.session.runId}; the worker takes chunks of up to ${formatBytes(this.session.maxChunkBytes)}`,
      );
    }
    // A chunk's gzip must fit the worker's limit too, even for bytes that do not compress.
    const max = rawLimitFor(this.session.maxChunkBytes);
    const cap = this.state.chunkCap;
    if (cap !== undefined && cap.workerLimit !== this.session.maxChunkBytes)
      delete this.state.chunkCap;
    const capped = this.state.chunkCap?.bytes ?? Number.POSITIVE_INFINITY;
    return { size: Math.min(wanted, max, capped), max };
  }

  /** A progress line on a long backlog (--verbose, or on a terminal), at most every two seconds. */
  private progress(path: string, done: number, total: number | null, started: number): void {
    const now = this.ctx.deps.now();
    if (!this.ctx.showsProgress || now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const of =
      total === null
        ? ""
        : ` of ${formatBytes(total)} (${Math.floor((100 * done) / Math.max(1, total))}%)`;
    this.ctx.progress(`  ${path}: ${formatBytes(done)}${of}, ${formatBytes(rate)}/s`);
  }

  /**
   * Closes the upload run (best effort) and prints the summary. Not after the worker gave up: the
   * run's end is then its last chunk's time (every chunk moves it), and the retry budget is spent.
   */
  async finish(): Promise<void> {
    const { ctx } = this;
    if (this.session && !ctx.workerGaveUp) {
      try {
        await endRun(ctx, this.session.runId);
      } catch (e) {
        if (
          !(
            e instanceof WorkerUnavailable ||
            e instanceof WorkerRefusal ||
            e instanceof NotTheWorker
          )
        )
          throw e;
        ctx.info(`could not close upload run ${this.session.runId}: ${e.message}`);
      }
    }
    if (this.chunks === 0)
      return ctx.progress(ctx.dryRun ? "dry run: nothing sent" : "nothing new to ship");
    const s = Math.max(0.001, (ctx.deps.now() - this.t0) / 1000);
    ctx.progress(
      `shipped ${formatBytes(this.bytes)} in ${this.chunks} chunks in ${s.toFixed(1)} s (${formatBytes(this.bytes / s)}/s): ${this.lines} lines, ${this.rejected} rejected`,
    );
  }
}
