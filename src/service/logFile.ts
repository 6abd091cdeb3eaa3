import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/** Enough for 20 long lines; a tail never needs more than the end of a large log. */
const TAIL_BYTES = 64 * 1024;

/** The last lines of a text, without the empty string a final newline leaves behind. */
export function lastLines(text: string, lines: number): string {
  const all = text.split(/\r?\n/);
  if (all.at(-1) === '') all.pop();
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

/**
 * The last `lines` lines written to the log since `fromOffset` (the log is appended to across runs;
 * only this run's part explains this run's failure). Synchronous so an error message can be built
 * anywhere, including in checkAlive().
 */
export function readLogTail(file: string, fromOffset: number, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(fromOffset, size - TAIL_BYTES);
    if (size <= start) return '';
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    let text = buffer.subarray(0, read).toString('utf8');
    // Cut mid-file: the first line is a fragment.
    if (start > fromOffset) text = text.slice(text.indexOf('\n') + 1);
    return lastLines(text, lines);
  } finally {
    closeSync(fd);
  }
}

/**
 * Follows a log file from an offset and tells whether any complete or pending line so far matched.
 * Reads only what was added since the last call.
 */
export class LogLineMatcher {
  private offset: number;
  private pending = '';
  private matched = false;
  // Keeps a multi-byte character split across two reads whole.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly file: string,
    fromOffset: number,
    private readonly pattern: RegExp,
  ) {
    this.offset = fromOffset;
  }

  async check(): Promise<boolean> {
    if (this.matched) return true;
    const handle = await open(this.file, 'r').catch(() => null);
    if (handle === null) return false;
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return false;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.pending + this.decoder.write(buffer.subarray(0, bytesRead))).split(/\r?\n/);
      // The last piece has no newline yet: keep it for the next read, but let it match already (a
      // service may print "listening" and flush the newline later).
      this.pending = (lines.pop() ?? '').slice(-TAIL_BYTES);
      this.matched = [...lines, this.pending].some((line) => this.pattern.test(line));
      return this.matched;
    } finally {
      await handle.close();
    }
  }
}
