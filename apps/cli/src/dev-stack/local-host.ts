/** Only a service on this machine can be started for the user; a remote one must be fixed by its owner. */
export function isLocalHost(hostname: string): boolean {
  return ['localhost', '127.0.0.1', '::1', '[::1]'].includes(hostname);
}

export interface StartedService {
  description: string;
  stop(): Promise<void>;
}
