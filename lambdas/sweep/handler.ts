// Lambda entry for the scheduled sweep (EventBridge Scheduler, every minute).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AlertPublisher } from '#adapters/alert-publisher.ts';
import { documentClient, snsClient } from '#adapters/clients.ts';
import { IncidentStore } from '#adapters/incident-store.ts';
import { KpiStore } from '#adapters/kpi-store.ts';
import { ObservationStore } from '#adapters/observation-store.ts';
import { RuleStore } from '#adapters/rule-store.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger, metrics } from '#shared/observability.ts';
import { bundledRegistry } from '#shared/province.ts';
import { textAlertSender } from '#shared/rule-engine.ts';
import { sweep, type SweepDeps, type SweepReport } from './sweep.ts';

/** Builds the handler around its dependencies and clock. */
export const makeHandler =
  (deps: SweepDeps, now: () => Date = () => new Date()) =>
  async (): Promise<SweepReport> => {
    const report = await sweep(now(), deps);
    for (const [name, value] of Object.entries(report)) metrics.addMetric(`Sweep${name[0]!.toUpperCase()}${name.slice(1)}`, MetricUnit.Count, value);
    metrics.publishStoredMetrics();
    logger.info('sweep done', { ...report });
    return report;
  };

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const db = documentClient();
  const registry = bundledRegistry();
  const rules = new RuleStore(db, requireEnv(ENV.registryTable), registry.rules);
  const observations = new ObservationStore(db, requireEnv(ENV.observationsTable), 1);
  return makeHandler({
    incidents: new IncidentStore(db, requireEnv(ENV.incidentsTable)),
    rules: async () => (await rules.all(true)).map((r) => r.rule),
    lastSeen: async (source) => (await observations.latest(source))?.ts,
    registry,
    alerts: textAlertSender(registry, requireEnv(ENV.alertBaseUrl), new AlertPublisher(snsClient(), requireEnv(ENV.alertTopicArn))),
    kpis: new KpiStore(db, requireEnv(ENV.incidentsTable)),
    log: logger,
  });
});
