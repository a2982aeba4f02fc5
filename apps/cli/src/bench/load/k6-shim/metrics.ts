import { sink } from './sink';

/** `k6/metrics`: each metric keeps the values added in this run (tags are not kept). */
class Metric {
  constructor(
    readonly name: string,
    private readonly kind: string,
  ) {}

  add(value: number | boolean): void {
    const metrics = sink().metrics;
    const entry = metrics.get(this.name) ?? { kind: this.kind, values: [] };
    entry.values.push(Number(value));
    metrics.set(this.name, entry);
  }
}

export class Trend extends Metric {
  constructor(name: string) {
    super(name, 'trend');
  }
}
export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}

export default { Trend, Counter, Rate, Gauge };
