import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { buildMemoryTree, timeInclusionProofs } from './synthetic-tree';

/** What the worker answers: first the tree (root and build time), then, when asked, the proof timings. */
type WorkerAnswer =
  | { kind: 'built'; root: Uint8Array; seconds: number }
  | { kind: 'timed'; timings: number[] }
  | { kind: 'failed'; message: string };

/**
 * The in-memory tree of the proof benchmark, built on a worker thread while PostgreSQL builds the stored
 * one (the machine's second core), and kept there for the baseline proofs: a ten-million-leaf tree is
 * about a gigabyte of hashes that need not cross threads.
 */
export class MemoryTreeWorker {
  private readonly worker: Worker;
  private readonly answers: WorkerAnswer[] = [];
  private waiting: ((answer: WorkerAnswer) => void) | null = null;

  constructor(size: number) {
    this.worker = new Worker(__filename, { workerData: { size } });
    const deliver = (answer: WorkerAnswer) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(answer);
      } else this.answers.push(answer);
    };
    this.worker.on('message', deliver);
    this.worker.on('error', (error) => deliver({ kind: 'failed', message: error.message }));
  }

  /** The root of the tree and how long building it took. */
  async built(): Promise<{ root: Buffer; seconds: number }> {
    const answer = await this.next();
    if (answer.kind !== 'built') throw new Error(`memory tree worker: ${describe(answer)}`);
    return { root: Buffer.from(answer.root), seconds: answer.seconds };
  }

  /** Times the same proofs on the in-memory tree (each verified against its root); the worker then ends. */
  async timeProofs(leaves: number[]): Promise<number[]> {
    this.worker.postMessage({ leaves });
    const answer = await this.next();
    if (answer.kind !== 'timed') throw new Error(`memory tree worker: ${describe(answer)}`);
    return answer.timings;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private next(): Promise<WorkerAnswer> {
    const queued = this.answers.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

function describe(answer: WorkerAnswer): string {
  return answer.kind === 'failed' ? answer.message : `unexpected answer ${answer.kind}`;
}

function runWorker(): void {
  const port = parentPort;
  if (!port) return;
  const { size } = workerData as { size: number };
  try {
    const { tree, seconds } = buildMemoryTree(size);
    const root = tree.root();
    port.postMessage({ kind: 'built', root, seconds } satisfies WorkerAnswer);
    port.once('message', ({ leaves }: { leaves: number[] }) => {
      timeInclusionProofs(tree, size, root, leaves).then(
        (timings) => port.postMessage({ kind: 'timed', timings } satisfies WorkerAnswer),
        (error: unknown) =>
          port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies WorkerAnswer),
      );
    });
  } catch (error) {
    port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies WorkerAnswer);
  }
}

if (!isMainThread) runWorker();
