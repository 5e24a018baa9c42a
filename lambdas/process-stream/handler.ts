// Lambda entry for the Kinesis stream processor: wires adapters to the core and reports partial batch failures.
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AlertPublisher } from '#adapters/alert-publisher.ts';
import { documentClient, snsClient, sqsClient } from '#adapters/clients.ts';
import { FailureQueue } from '#adapters/failure-queue.ts';
import { IncidentStore } from '#adapters/incident-store.ts';
import { KpiStore } from '#adapters/kpi-store.ts';
import { ObservationStore } from '#adapters/observation-store.ts';
import { RuleStore } from '#adapters/rule-store.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv, requireIntEnv } from '#shared/env.ts';
import { logger, metrics } from '#shared/observability.ts';
import { bundledRegistry } from '#shared/province.ts';
import { evaluateObservations, textAlertSender, type RuleEngineDeps, type RuleEngineReport } from '#shared/rule-engine.ts';
import { processStream, type ProcessStreamDeps } from './process-stream.ts';

/** The processor's ports; `rules` switches rule evaluation on (absent: store only). */
export type StreamHandlerDeps = Omit<ProcessStreamDeps, 'afterStore'> & { rules?: RuleEngineDeps };

/** Builds the handler around its dependencies (tests pass adapters pointed at moto). */
export const makeHandler = (deps: StreamHandlerDeps) => {
  const last: { rules?: RuleEngineReport } = {};
  const core: ProcessStreamDeps = {
    ...deps,
    afterStore: deps.rules
      ? async (stored) => {
          const { unhandled, report } = await evaluateObservations(stored, deps.rules!);
          last.rules = report;
          return unhandled;
        }
      : undefined,
  };
  return async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    if (context) logger.addContext(context);
    last.rules = undefined;
    const { response, report } = await processStream(event.Records, core);
    metrics.addMetric('RecordsReceived', MetricUnit.Count, report.records);
    metrics.addMetric('ObservationsStored', MetricUnit.Count, report.stored);
    metrics.addMetric('PoisonRecords', MetricUnit.Count, report.poison);
    metrics.addMetric('RecordsRetried', MetricUnit.Count, report.retried);
    const ruleReport = last.rules as RuleEngineReport | undefined;
    if (ruleReport) {
      metrics.addMetric('IncidentsOpened', MetricUnit.Count, ruleReport.opened);
      metrics.addMetric('AlertsSent', MetricUnit.Count, ruleReport.alertsSent);
      metrics.addMetric('AlertsDeferred', MetricUnit.Count, ruleReport.alertsDeferred);
      metrics.addMetric('RuleStateConflicts', MetricUnit.Count, ruleReport.conflicts);
    }
    metrics.publishStoredMetrics();
    logger.info('batch processed', { ...report, rules: ruleReport });
    return response;
  };
};

function defaultDeps(): StreamHandlerDeps {
  const db = documentClient();
  const registry = bundledRegistry();
  const rules = new RuleStore(db, requireEnv(ENV.registryTable), registry.rules);
  return {
    store: new ObservationStore(db, requireEnv(ENV.observationsTable), requireIntEnv(ENV.observationRetentionDays)),
    failures: new FailureQueue(sqsClient(), requireEnv(ENV.failureQueueUrl), 'process-stream'),
    now: () => new Date(),
    log: logger,
    rules: {
      incidents: new IncidentStore(db, requireEnv(ENV.incidentsTable)),
      rules: async () => (await rules.all()).map((r) => r.rule),
      registry,
      alerts: textAlertSender(registry, requireEnv(ENV.alertBaseUrl), new AlertPublisher(snsClient(), requireEnv(ENV.alertTopicArn))),
      now: () => new Date(),
      kpis: new KpiStore(db, requireEnv(ENV.incidentsTable)),
      log: logger,
    },
  };
}

/** The Lambda entry point. */
export const handler = lazyHandler(() => makeHandler(defaultDeps()));
