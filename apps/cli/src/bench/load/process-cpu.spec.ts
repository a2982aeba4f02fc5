import { cpuTable } from './bench-report';
import {
  cpuCeilingPerSecond,
  msPerOperation,
  parseProcStat,
  processTimesOf,
  spentByGroup,
} from './process-cpu';

/** The pure parts of the benchmarks' CPU accounting (#13): /proc stat lines and the arithmetic. */
describe('CPU per operation', () => {
  // A real line's shape: 52 fields, utime 14th (1234), stime 15th (567), starttime 22nd (98765).
  const statLine = (name: string) =>
    `4242 (${name}) S 1 4242 4242 0 -1 4194560 1500 0 0 0 1234 567 0 0 20 0 11 0 98765 1000000 5000 ` +
    '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';

  it('reads utime + stime in seconds (USER_HZ 100) and the start time from a /proc/<pid>/stat line', () => {
    expect(parseProcStat(statLine('node'))).toEqual({ cpuSeconds: 18.01, startTicks: '98765' });
  });

  it('parses after the last parenthesis, so a name with spaces and parentheses does not shift fields', () => {
    expect(parseProcStat(statLine('postgres: a (b) c'))).toEqual({ cpuSeconds: 18.01, startTicks: '98765' });
  });

  it('refuses a line that is not a stat line', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('12 (x) S 1')).toBeNull();
  });

  it('reads this process, and nothing for a pid that does not exist', () => {
    if (process.platform !== 'linux') return;
    const times = processTimesOf(process.pid)!;
    expect(times.cpuSeconds).toBeGreaterThan(0);
    expect(Number(times.startTicks)).toBeGreaterThan(0);
    expect(processTimesOf(2 ** 30)).toBeNull();
  });

  it('sums the CPU spent per group, never negative, from each process’s first to last reading', () => {
    const spent = spentByGroup([
      { group: 'broker-api', first: 10, last: 12.5 },
      { group: 'broker-api', first: 0, last: 1.5 },
      { group: 'postgres', first: 3, last: 3.25 },
      { group: 'redis', first: 5, last: 4 },
    ]);
    expect(Object.fromEntries(spent)).toEqual({ 'broker-api': 4, postgres: 0.25, redis: 0 });
  });

  it('turns seconds into ms per operation, and the total into the cores’ ceiling', () => {
    expect(msPerOperation(2.3, 100)).toBeCloseTo(23);
    expect(msPerOperation(1, 0)).toBeNaN();
    expect(cpuCeilingPerSecond(2, 23)).toBeCloseTo(86.96, 2);
    expect(cpuCeilingPerSecond(2, 0)).toBeNaN();
  });

  it('prints each group per operation, the total and the ceiling, and a dash for what it could not see', () => {
    const text = cpuTable(
      'scenario',
      'iteration',
      [
        {
          label: 'staging',
          operations: 200,
          perSecond: 45,
          cpu: {
            seconds: new Map([
              ['broker-api', 3],
              ['release-worker', 0.1],
              ['postgres', 0.6],
              ['redis', 0.02],
              ['driver', 0.88],
            ]),
            wallSeconds: 4.4,
            unseen: [],
          },
        },
        {
          label: 'whoami',
          operations: 100,
          perSecond: 200,
          cpu: { seconds: new Map([['broker-api', 0.2]]), wallSeconds: 0.5, unseen: ['redis'] },
        },
      ],
      2,
    );
    const [header, , staging, whoami] = text.split('\n').map((line) => line.split('|').map((c) => c.trim()));
    expect(header.slice(1, -1)).toEqual([
      'CPU ms per iteration: scenario',
      'iterations',
      'broker-api',
      'release-worker',
      'PostgreSQL',
      'Redis',
      'driver',
      'total',
      'ceiling/s on 2 cores',
      'measured/s',
    ]);
    // 15 + 0.5 + 3 + 0.1 + 4.4 = 23 ms → 2 × 1000 ÷ 23 = 87/s
    expect(staging.slice(1, -1)).toEqual([
      'staging',
      '200',
      '15.0',
      '0.50',
      '3.0',
      '0.10',
      '4.4',
      '23.0',
      '87.0',
      '45.0',
    ]);
    expect(whoami.slice(1, -1)).toEqual([
      'whoami',
      '100',
      '2.0',
      '0.00',
      '0.00',
      '–',
      '0.00',
      '2.0',
      '1000',
      '200',
    ]);
  });
});
