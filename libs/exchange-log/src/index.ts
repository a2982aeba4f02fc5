// The exchange log (issue #10): every event recorded once, append-only, provable (RFC 9162 Merkle tree,
// C2SP checkpoints). See docs/exchange-log.md once it exists.
export * from './merkle';
export * from './checkpoint';
