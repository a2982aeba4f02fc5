import { once } from 'node:events';
import { Writable } from 'node:stream';

/** The first line kept at most this long: an export's header line is a few hundred bytes. */
const FIRST_LINE_LIMIT = 64 * 1024;

/**
 * Passes what it is given to stdout (with stdout's back-pressure) and counts the lines, keeping only the
 * first (an export's header): the summary line of `oso audit export` without holding the export.
 */
export class LineCountingStdout extends Writable {
  lines = 0;
  firstLine = '';
  private firstLineDone = false;

  constructor(private readonly target: NodeJS.WritableStream = process.stdout) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.lines += 1;
    if (!this.firstLineDone) {
      const end = chunk.indexOf(10);
      this.firstLine += chunk.subarray(0, end === -1 ? chunk.length : end).toString('utf8');
      this.firstLineDone = end !== -1 || this.firstLine.length > FIRST_LINE_LIMIT;
    }
    if (this.target.write(chunk)) done();
    else once(this.target as NodeJS.EventEmitter, 'drain').then(() => done(), done);
  }
}
