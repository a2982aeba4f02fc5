import { spawn } from 'node:child_process';
import { ProcessTreeMemory, peakRssOf } from './process-memory';

/** The bench broker's memory sampling: a process and its children (a clustered broker-api's workers). */
describe('ProcessTreeMemory', () => {
  it('samples the peak RSS of a process and of the child it starts, and names the child after it', async () => {
    const script =
      "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });" +
      "process.stdout.write('child ' + c.pid + '\\n'); setTimeout(() => {}, 20000);";
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout!.on('data', (chunk: Buffer) => resolve(Number(/child (\d+)/.exec(chunk.toString())![1]))),
    );
    const memory = new ProcessTreeMemory();
    try {
      memory.track('app', parent.pid!);
      const sampled = memory.snapshot();
      expect(sampled.map((entry) => [entry.name, entry.pid])).toEqual([
        ['app', parent.pid],
        ['app#1', childPid],
      ]);
      // A high-water mark: at most what the kernel says now (a starting process still grows).
      for (const entry of sampled) {
        expect(entry.peakRssBytes).toBeGreaterThan(0);
        expect(entry.peakRssBytes).toBeLessThanOrEqual(peakRssOf(entry.pid)!);
      }
      expect(memory.livePids().sort()).toEqual([parent.pid, childPid].sort());
    } finally {
      memory.stop();
      process.kill(childPid, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
