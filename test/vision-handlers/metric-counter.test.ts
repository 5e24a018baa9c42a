// The vision handlers' metrics: counts summed per invocation and published once as EMF through Powertools.
import { describe, expect, it } from 'vitest';
import { MetricCounter } from '../../lambdas/shared/adapters/metric-counter.ts';

/** A Powertools Metrics stand-in that records what it is given. */
function fakeMetrics() {
  const added: Array<[string, string, number]> = [];
  let published = 0;
  return {
    added,
    published: () => published,
    addMetric: (name: string, unit: string, value: number) => void added.push([name, unit, value]),
    publishStoredMetrics: () => void (published += 1),
  };
}

describe('MetricCounter', () => {
  it('sums each name over the invocation and publishes one value per name', () => {
    // Prepare
    const m = fakeMetrics();
    const counter = new MetricCounter(m as never);

    // Act
    counter.count('FramesReceived', 3);
    counter.count('FramesAnalysed');
    counter.count('FramesAnalysed');
    const snapshot = counter.snapshot();
    counter.flush();
    counter.flush();

    // Assert
    expect(snapshot).toEqual({ FramesReceived: 3, FramesAnalysed: 2 });
    expect(m.added).toEqual([
      ['FramesReceived', 'Count', 3],
      ['FramesAnalysed', 'Count', 2],
    ]);
    expect(m.published()).toBe(1);
  });
});
