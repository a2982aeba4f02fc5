import type { SubtreeAddress, SubtreeHashes } from '../merkle';

/**
 * Answers every `subtreeHashes` call made in the same turn of the event loop with one call to `inner`,
 * each distinct address asked once: a page of proofs costs one query, not one per entry, and neighbouring
 * leaves (whose proofs share most of their upper nodes) do not repeat them. Callers start their proofs
 * together (`Promise.all`) for the asks to meet.
 */
export class GatheredSubtreeHashes implements SubtreeHashes {
  private asks: Array<{
    wanted: ReadonlyArray<SubtreeAddress>;
    resolve: (hashes: Buffer[]) => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(private readonly inner: SubtreeHashes) {}

  subtreeHashes(wanted: ReadonlyArray<SubtreeAddress>): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      this.asks.push({ wanted, resolve, reject });
      if (this.asks.length === 1) setImmediate(() => void this.answer());
    });
  }

  private async answer(): Promise<void> {
    const asks = this.asks;
    this.asks = [];
    try {
      const positions = new Map<string, number>();
      const distinct: SubtreeAddress[] = [];
      for (const ask of asks) {
        for (const address of ask.wanted) {
          const key = `${address.level}:${address.index}`;
          if (!positions.has(key)) positions.set(key, distinct.push(address) - 1);
        }
      }
      const hashes = await this.inner.subtreeHashes(distinct);
      for (const ask of asks) {
        ask.resolve(ask.wanted.map((address) => hashes[positions.get(`${address.level}:${address.index}`)!]));
      }
    } catch (error) {
      for (const ask of asks) ask.reject(error);
    }
  }
}
