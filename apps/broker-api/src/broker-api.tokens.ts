export const BROKER_API_CONFIG = Symbol('BROKER_API_CONFIG');
