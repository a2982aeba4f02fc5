import { DossierRenderingPool, RenderingCapacityError } from './dossier-rendering-pool';

/** The pool's line on real worker threads (the built worker in dist/): bounded per tenant and in all. */
describe('DossierRenderingPool', () => {
  const identity = { versionNumber: 1, contentHash: 'a'.repeat(64) };
  const task = { bytes: Buffer.from('<dossier/>'), identity, choice: { form: 'complete' } as const };

  it('refuses a tenant beyond its share, and everyone beyond the line, at once and without running it', async () => {
    const pool = new DossierRenderingPool({ settings: { threads: 1, waitingTotal: 1, perTenant: 1 } });
    try {
      const first = pool.render({ ...task, format: 'pdf' }, 'vendor:a').catch((error: unknown) => error);
      expect(pool.load('vendor:a')).toBe(1);
      await expect(pool.render({ ...task, format: 'html' }, 'vendor:a')).rejects.toMatchObject({
        reason: 'tenant_queue_full',
      });
      const second = pool.attachment(task.bytes, 1, 'vendor:b').catch((error: unknown) => error);
      await expect(pool.render({ ...task, format: 'html' }, 'vendor:c')).rejects.toBeInstanceOf(
        RenderingCapacityError,
      );
      await expect(pool.render({ ...task, format: 'html' }, 'vendor:c')).rejects.toMatchObject({
        reason: 'queue_full',
      });
      await Promise.all([first, second]);
      // Finished work leaves the line, whatever its outcome.
      expect(pool.load()).toBe(0);
      expect(pool.load('vendor:a')).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
