/** The scenarios `npm run bench` runs, in this order (files in load-tests/). */
export const BENCH_SCENARIOS = [
  'whoami',
  'validate',
  'staging',
  'staging-same-pupil',
  'exchange-po-vo',
  'exchange-vo-vo',
  'release-under-load',
  'inbox',
  'status',
  'auditor',
] as const;
