/**
 * Release latency at the staging load: 16 VUs staging the ≈170 KB POVO dossier (as `staging.ts`) while 2
 * VUs run the full PO→VO exchange (as `exchange-po-vo.ts`). The target: release p99 ≤ 500 ms at
 * the staging target load. `VUS` and `EXCHANGE_VUS` change the two, `DURATION` both.
 */
import type { Options } from 'k6/options';
import exchange from './exchange-po-vo.ts';
import { brokerOptions } from './lib/broker.ts';
import stage from './staging.ts';

const { tlsAuth, hosts } = brokerOptions({ vus: 16 });
const duration = __ENV.DURATION || '20s';

export const options: Options = {
  tlsAuth,
  hosts,
  scenarios: {
    staging: { executor: 'constant-vus', vus: Number(__ENV.VUS || 16), duration, exec: 'stage' },
    exchange: { executor: 'constant-vus', vus: Number(__ENV.EXCHANGE_VUS || 2), duration, exec: 'exchange' },
  },
};

export { exchange, stage };
