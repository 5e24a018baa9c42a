// Counts per invocation, published once as CloudWatch EMF metrics through Powertools (one value per name, not one per frame).
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

/** The metrics port of the vision handlers: count now, publish at the end of the invocation. */
export interface MetricCounterPort {
  count(name: string, value?: number): void;
}

/** Sums counts by name and publishes them with {@link flush}. A Lambda container runs one invocation at a time. */
export class MetricCounter implements MetricCounterPort {
  private readonly counts = new Map<string, number>();

  constructor(private readonly metrics: Pick<Metrics, 'addMetric' | 'publishStoredMetrics'>) {}

  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }

  /** The counts so far (for the invocation's summary log line). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Publishes and resets the counts. */
  flush(): void {
    if (this.counts.size === 0) return;
    for (const [name, value] of this.counts) this.metrics.addMetric(name, MetricUnit.Count, value);
    this.counts.clear();
    this.metrics.publishStoredMetrics();
  }
}
