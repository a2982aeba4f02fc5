import { readBrokerApiConfig } from '../../apps/broker-api/src/broker-api.config';
import { BrokerApi, createBrokerApi } from '../../apps/broker-api/src/create-broker-api';
import type { AddressInfo } from 'node:net';

export interface RunningBroker extends BrokerApi {
  port: number;
  close(): Promise<void>;
}

/** The real broker API (same wiring as main.ts) on an ephemeral port, for one suite. */
export async function startBroker(env: Record<string, string>): Promise<RunningBroker> {
  const config = readBrokerApiConfig({ ...process.env, ...env, BROKER_PORT: '0', OPS_PORT: '0' });
  // Errors only: an unexpected 500 in a test then says why (the filter logs its safe cause).
  const broker = await createBrokerApi(config, { logger: ['error'] });
  await broker.app.listen(0, '127.0.0.1');
  const port = (broker.app.getHttpServer().address() as AddressInfo).port;
  return { ...broker, port, close: () => broker.app.close() };
}
