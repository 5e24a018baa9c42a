// The environment variable names shared by the CDK constructs (which set them) and the handlers (which read them).

/** Names of the environment variables a province's functions receive. */
export const ENV = {
  provinceCode: 'PROVINCE_CODE',
  timezone: 'PROVINCE_TIMEZONE',
  observationsTable: 'OBSERVATIONS_TABLE',
  registryTable: 'REGISTRY_TABLE',
  incidentsTable: 'INCIDENTS_TABLE',
  streamName: 'STREAM_NAME',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  /** Base URL put in alert links (the console, or the API when no console is deployed). */
  alertBaseUrl: 'ALERT_BASE_URL',
  failureQueueUrl: 'FAILURE_QUEUE_URL',
  observationRetentionDays: 'OBSERVATION_RETENTION_DAYS',
  /** Vision (crowd module). */
  framesBucket: 'FRAMES_BUCKET',
  rekognitionDailyCap: 'REKOGNITION_DAILY_CAP',
  clipRoleArn: 'CLIP_ROLE_ARN',
  clipTopicArn: 'CLIP_TOPIC_ARN',
  /** Technical alarms and notices (e.g. the daily Rekognition cap reached). */
  opsTopicArn: 'OPS_TOPIC_ARN',
} as const;
