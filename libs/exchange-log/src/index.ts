// The exchange log (issue #10): every event recorded once, append-only, provable (RFC 9162 Merkle tree,
// C2SP checkpoints). See docs/exchange-log.md.
export * from './merkle';
export * from './checkpoint';
export * from './entry/exchange-event-types';
export * from './entry/exchange-log-entry';
export * from './entry/canonical-entry';
export * from './storage';
export * from './sequencer/log-sequencer';
export * from './sequencer/log-reads';
export * from './sequencer/postgres-subtree-hashes';
export * from './log-key/log-key.config';
export * from './export';
export * from './audit-queries';
