import { sink } from './sink';

/** `k6`: check, group, fail. `sleep` would block every VU of the Node runner: scenarios use k6/timers. */
export function check<T>(value: T, sets: Record<string, (value: T) => boolean>): boolean {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    let passed = false;
    try {
      passed = Boolean(predicate(value));
    } catch {
      passed = false;
    }
    const counts = sink().checks.get(name) ?? { passes: 0, fails: 0 };
    if (passed) counts.passes += 1;
    else counts.fails += 1;
    sink().checks.set(name, counts);
    all &&= passed;
  }
  return all;
}

export function group<T>(_name: string, body: () => T): T {
  return body();
}

export function fail(message?: string): never {
  throw new Error(message ?? 'fail()');
}

export function sleep(): never {
  throw new Error(
    'sleep() blocks: the Node runner runs VUs as async functions; await a k6/timers setTimeout instead',
  );
}

export default { check, group, fail, sleep };
