// The environment variable names shared by the CDK constructs (which set them) and the handlers (which read them).

/** Names of the environment variables a province's functions receive. */
export const ENV = {
  provinceCode: 'PROVINCE_CODE',
  timezone: 'PROVINCE_TIMEZONE',
  observationsTable: 'OBSERVATIONS_TABLE',
  registryTable: 'REGISTRY_TABLE',
  streamName: 'STREAM_NAME',
  failureQueueUrl: 'FAILURE_QUEUE_URL',
  observationRetentionDays: 'OBSERVATION_RETENTION_DAYS',
} as const;
