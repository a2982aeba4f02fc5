import type { RequestSample } from './k6-shim/sink';
import type { WebhookReceiver } from './webhook-receiver';

const EVIDENCE_PATH = /^\/v1\/transfers\/([0-9a-f-]{36})\/evidence$/;

/**
 * Release latency from the runner's side, without the scenario's help: the moment an evidence answer
 * said `release_queued` (the act that allowed the release), and the moment the receiving vendor's webhook
 * heard `released` for that transfer.
 */
export class ReleaseLatency {
  private readonly allowedAt = new Map<string, number>();
  private readonly latencies: number[] = [];
  private readonly stopListening: () => void;

  constructor(webhooks: WebhookReceiver) {
    this.stopListening = webhooks.onNotification((notification) => {
      if (notification.type !== 'released') return;
      const allowed = this.allowedAt.get(notification.transferId);
      if (allowed === undefined) return;
      this.allowedAt.delete(notification.transferId);
      this.latencies.push(notification.receivedAtMs - allowed);
    });
  }

  /** For the runner's `onResponse`. */
  readonly onResponse = (sample: RequestSample, url: URL, method: string, body: string | null): void => {
    if (method !== 'POST' || sample.status !== 201 || body === null) return;
    const match = EVIDENCE_PATH.exec(url.pathname);
    if (match && body.includes('"transferState":"release_queued"'))
      this.allowedAt.set(match[1], sample.endedAtMs);
  };

  /** Webhook latencies so far (ms), and how many allowed releases have not been heard of yet. */
  results(): { latenciesMs: number[]; pending: number } {
    return { latenciesMs: [...this.latencies], pending: this.allowedAt.size };
  }

  /** Waits (at most `maxMs`) until every allowed release was heard of; then the results. */
  async settle(maxMs: number): Promise<{ latenciesMs: number[]; pending: number }> {
    const deadline = Date.now() + maxMs;
    while (this.allowedAt.size > 0 && Date.now() < deadline)
      await new Promise((done) => setTimeout(done, 50));
    return this.results();
  }

  stop(): void {
    this.stopListening();
  }
}
