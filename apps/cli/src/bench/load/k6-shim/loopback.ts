import { isIP } from 'node:net';

/** A target the Node runner refuses: it drives a broker on this machine only. */
export class NonLoopbackTargetError extends Error {
  constructor(host: string, address: string) {
    super(
      `the Node runner only drives a broker on this machine (loopback); ${host}` +
        `${address === host ? '' : ` (→ ${address})`} is not a loopback address. Use k6 for remote brokers.`,
    );
    this.name = 'NonLoopbackTargetError';
  }
}

export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  const bare = address.replace(/^\[|\]$/g, '');
  return bare === '::1' || /^::ffff:127\./i.test(bare);
}

/** The address a host name connects to (k6's `options.hosts` first), refused unless it is loopback. */
export function loopbackAddressOf(host: string, hosts: Record<string, string>): string {
  const mapped = hosts[host] ?? host;
  const address = mapped.replace(/:\d+$/, '');
  if (!isLoopbackAddress(address)) throw new NonLoopbackTargetError(host, address);
  return address === 'localhost' ? '127.0.0.1' : address.replace(/^\[|\]$/g, '');
}
