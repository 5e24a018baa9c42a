// Powertools logger and metrics shared by every handler: province code on every line, EMF metrics per function.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The process-wide structured logger (JSON, province code and correlation ids attached). */
export const logger = new Logger({ persistentKeys: { province: process.env.PROVINCE_CODE ?? 'unknown' } });

/** The process-wide EMF metrics emitter (namespace from POWERTOOLS_METRICS_NAMESPACE). */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SmartCityPilot',
  defaultDimensions: { province: process.env.PROVINCE_CODE ?? 'unknown' },
});
