// One local Lambda instance: a worker thread that imports a bundled asset once and runs one invocation at a time.
// Plain JavaScript on purpose: it runs the same ESM bundle the cloud runs, with nothing compiled in between.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const { entry, exportName, clock, functionName, memorySize, region } = workerData;

if (clock) {
  // Simulated time: handlers read the clock exactly as in the cloud, and live in the simulated night.
  const RealDate = Date;
  const now = () => clock.simEpochMs + (RealDate.now() - clock.realEpochMs) * clock.speed;
  class SimulatedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  globalThis.Date = SimulatedDate;
}

let handler;
try {
  const mod = await import(pathToFileURL(entry).href);
  handler = mod[exportName];
  if (typeof handler !== 'function') throw new Error(`${entry} exports no function "${exportName}"`);
  parentPort.postMessage({ type: 'ready' });
} catch (e) {
  parentPort.postMessage({ type: 'init-error', error: { errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e) } });
}

parentPort.on('message', async ({ id, event, timeoutMs }) => {
  const started = performance.now();
  const requestId = `local-${id}`;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:${functionName}`,
    memoryLimitInMB: String(memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (performance.now() - started)),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ type: 'result', id, ok: true, result });
  } catch (e) {
    console.error(JSON.stringify({ level: 'ERROR', message: 'invocation failed', requestId, errorType: e?.name, errorMessage: e?.message, stack: e?.stack }));
    parentPort.postMessage({ type: 'result', id, ok: false, error: { errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e) } });
  }
});
