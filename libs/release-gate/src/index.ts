export * from './calendar';
export * from './decide-release';
export * from './exchange-route';
export * from './receiver-view';
export * from './release-input';
export * from './release-policy';
export * from './release-reasons';
