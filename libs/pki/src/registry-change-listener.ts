import { REGISTRY_CHANGED_CHANNEL } from '@app/registry';
import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';

/** How the listener's connection shows in `pg_stat_activity`. */
export const REGISTRY_LISTENER_APPLICATION_NAME = 'oso-registry-listener';

/** After a lost connection, how long to wait before listening again. */
const RECONNECT_DELAY_MS = 1000;

/**
 * Listens for the registry's change notices (NOTIFY from triggers on its tables, whoever changes them) on
 * a connection of its own. `live` is true only while it listens: a cache built on it must not be trusted
 * while it is not, since changes made meanwhile were not heard. Every notice, a (re)connect and a loss
 * of the connection all call `onChange`, so a cache drops what it holds in each of those cases.
 */
export class RegistryChangeListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RegistryChangeListener');
  private readonly subscribers: Array<() => void> = [];
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private listening = false;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly databaseUrl: string) {}

  get live(): boolean {
    return this.listening;
  }

  /**
   * Resolves once every change committed before this call has been heard: a round trip on the listening
   * connection, since PostgreSQL sends a session its pending notices before the ReadyForQuery of the next
   * statement (the writer's commit signalled it before its COMMIT returned). Without it, a request sent right
   * after a revocation could overtake the notice (seen under load). Concurrent callers share one round trip:
   * a caller waits for the next one that starts after it asked, never for one already on its way.
   * Rejects when the connection fails (then `live` is false and the reader goes to the database).
   */
  heardAllCommitted(): Promise<void> {
    if (this.inFlight === null) {
      this.inFlight = this.roundTrip();
      return this.inFlight;
    }
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        this.inFlight = this.roundTrip();
        return this.inFlight;
      });
    return this.queued;
  }

  private async roundTrip(): Promise<void> {
    try {
      const client = this.client;
      if (client === null) throw new Error('not listening');
      await client.query('SELECT 1');
    } finally {
      this.inFlight = null;
    }
  }

  onChange(subscriber: () => void): void {
    this.subscribers.push(subscriber);
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.listening = false;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: REGISTRY_LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    let gone = false;
    const lost = () => {
      if (gone) return;
      gone = true;
      this.lost(client);
    };
    client.on('notification', () => this.changed());
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${REGISTRY_CHANGED_CHANNEL}`);
    } catch (error) {
      this.logger.warn(`cannot listen for registry changes (${(error as Error).name}); reading the database`);
      lost();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.listening = true;
    this.changed(); // changes made while nobody listened were not heard
  }

  private lost(client: Client): void {
    const wasListening = this.listening;
    this.listening = false;
    this.client = null;
    this.changed();
    client.end().catch(() => undefined);
    if (wasListening) this.logger.warn('lost the registry change listener; reading the database until back');
    if (!this.stopped && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.connect();
      }, RECONNECT_DELAY_MS);
      this.timer.unref();
    }
  }

  private changed(): void {
    for (const subscriber of this.subscribers) subscriber();
  }
}
