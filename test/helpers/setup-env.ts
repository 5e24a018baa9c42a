// Per-worker environment: fake credentials so no test can reach a real AWS account, and the moto endpoint.
import { inject } from 'vitest';

process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SESSION_TOKEN = 'testing';
process.env.AWS_REGION = 'ap-southeast-1';
process.env.AWS_DEFAULT_REGION = 'ap-southeast-1';
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.MOTO_ENDPOINT = inject('motoEndpoint');
