import { createServer, Server } from 'node:http';
import { HealthService } from './health.service';

/**
 * A plain-HTTP listener with only `GET /health`, for container and load-balancer probes that hold no
 * client certificate. It binds to loopback unless OPS_HOST says otherwise and serves nothing else.
 */
export function createOpsHealthServer(health: HealthService): Server {
  return createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'NOT_FOUND', message: 'The ops port serves only GET /health.' }));
      return;
    }
    health.check().then(
      (report) => {
        response.writeHead(report.status === 'down' ? 503 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(report));
      },
      () => {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'down' }));
      },
    );
  });
}
