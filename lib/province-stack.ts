// One province's stack, read top to bottom: key, tables, stream, processing, API, alarms; modules switch parts on.
import { Lazy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import type { ModuleName, ProvinceConfig } from './config/schema.ts';
import { CAMERA_DEVICE_ROUTES, routesFor } from '../lambdas/operator-api/api-spec.ts';
import { Alarms } from './constructs/alarms.ts';
import { Alerts } from './constructs/alerts.ts';
import { Budget } from './constructs/budget.ts';
import { ConsoleSite } from './constructs/console-site.ts';
import { CentralStore } from './constructs/central-store.ts';
import { Ingest } from './constructs/ingest.ts';
import { OperatorApi } from './constructs/operator-api.ts';
import { ProvinceKey } from './constructs/province-key.ts';
import { StreamProcessor } from './constructs/stream-processor.ts';
import { Vision } from './constructs/vision.ts';

/** Value of the `Pilot` tag on every resource. */
export const PILOT_TAG = 'smartcity-pilot';

/** Properties of {@link ProvinceStack}. */
export interface ProvinceStackProps extends StackProps {
  /** The validated province config (lib/config/load.ts). */
  readonly config: ProvinceConfig;
}

/**
 * Everything one province runs. The core (key, tables, stream, stream processor, device authorizer, operator API,
 * alarms) is always there; each module adds its parts and nothing else, so a module left out costs nothing.
 * Every resource is tagged `Province`, `Pilot` and `Module` (core, sensors or crowd).
 */
export class ProvinceStack extends Stack {
  public readonly key: ProvinceKey;
  public readonly store: CentralStore;
  public readonly ingest: Ingest;
  public readonly processor: StreamProcessor;
  public readonly api: OperatorApi;
  public readonly alarms: Alarms;
  public readonly alerts: Alerts;
  /** The crowd module (cameras, Rekognition), when on. */
  public readonly vision?: Vision;
  /** The operations console's hosting. */
  public readonly console: ConsoleSite;

  constructor(scope: Construct, id: string, props: ProvinceStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `Smart-city pilot for ${config.name} (${config.code}): modules ${config.modules.join(', ')}`,
      ...props,
    });
    const on = (m: ModuleName) => config.modules.includes(m);
    Tags.of(this).add('Province', config.code);
    Tags.of(this).add('Pilot', PILOT_TAG);

    // Core: always there.
    this.key = tagModule('core', new ProvinceKey(this, 'Key', { provinceCode: config.code, sandbox: config.sandbox }));
    const key = this.key.key;
    this.store = tagModule('core', new CentralStore(this, 'Store', { key, sandbox: config.sandbox }));
    this.ingest = tagModule('core', new Ingest(this, 'Ingest', { config, key, store: this.store }));
    this.processor = tagModule(
      'core',
      new StreamProcessor(this, 'Processor', { config, key, store: this.store, stream: this.ingest.stream }),
    );
    this.api = tagModule(
      'core',
      new OperatorApi(this, 'Api', { config, key, store: this.store, deviceAuthorizer: this.ingest.deviceAuthorizer.fn }),
    );
    // Operator routes come from the same route specs the handler implements and the OpenAPI document lists.
    const core = routesFor(config.modules).filter((r) => !r.module && (r as { fn?: string }).fn === undefined);
    this.api.addOperatorRoutes(core.map((r) => ({ method: HttpMethod[r.method], path: r.path })));
    this.alerts = tagModule(
      'core',
      // Alert links open the incident in the console (hash routes); the console is created last, hence the Lazy.
      new Alerts(this, 'Alerts', {
        config,
        key,
        store: this.store,
        baseUrl: config.alerts.consoleUrl ?? Lazy.string({ produce: () => `${this.console.url}/#` }),
      }),
    );
    this.alerts.bindPublisher(this.processor.fn);
    this.alarms = tagModule(
      'core',
      new Alarms(this, 'Alarms', {
        config,
        key,
        failureQueue: this.processor.failureQueue,
        streamConsumer: this.processor.fn,
        api: this.api.api,
        functions: [this.ingest.deviceAuthorizer, this.processor.fn, this.api.operatorFunction, this.alerts.sweep],
      }),
    );

    // Economics: the monthly budget with notices at 80% actual and 100% forecast.
    tagModule('core', new Budget(this, 'Budget', { config, key: this.key, opsTopic: this.alarms.topic }));

    // Module "sensors": devices POST /events, trusted systems put records directly, operators read sensors.
    if (on('sensors')) {
      const devices = tagModule('sensors', this.ingest.addDeviceIngest());
      tagModule('sensors', this.api.addDeviceRoutes([{ method: HttpMethod.POST, path: '/events' }], devices.fn));
      const sensorRoutes = routesFor(config.modules).filter((r) => r.module === 'sensors');
      tagModule('sensors', this.api.addOperatorRoutes(sensorRoutes.map((r) => ({ method: HttpMethod[r.method], path: r.path }))));
      tagModule('sensors', this.alarms.monitorFunction(devices.fn));
    }

    // Module "crowd": frames bucket, analyzer, upload URLs, clips; camera and clip routes; their alarms.
    if (on('crowd')) {
      const vision = tagModule('crowd', new Vision(this, 'Vision', { config, key: this.key, store: this.store, stream: this.ingest.stream, opsTopic: this.alarms.topic }));
      this.vision = vision;
      const crowdRoutes = routesFor(config.modules, 'operator-api').filter((r) => r.module === 'crowd');
      tagModule('crowd', this.api.addOperatorRoutes(crowdRoutes.map((r) => ({ method: HttpMethod[r.method], path: r.path }))));
      const clipRoutes = routesFor(config.modules, 'start-clip');
      tagModule('crowd', this.api.addOperatorRoutes(clipRoutes.map((r) => ({ method: HttpMethod[r.method], path: r.path })), vision.startClip));
      tagModule('crowd', this.api.addDeviceRoutes(CAMERA_DEVICE_ROUTES.map((r) => ({ method: HttpMethod[r.method], path: r.path })), vision.uploadUrls));
      vision.bindOperatorApi(this.api.operatorFunction);
      for (const fn of vision.functions) tagModule('crowd', this.alarms.monitorFunction(fn));
      for (const alarm of vision.alarms) this.alarms.watch(alarm);
    }

    // The operations console: private bucket behind CloudFront, managed login, CORS for its origin.
    this.console = tagModule(
      'core',
      new ConsoleSite(this, 'Console', {
        config,
        api: this.api.api,
        apiUrl: this.api.stage.url,
        userPool: this.api.userPool,
        userPoolClient: this.api.userPoolClient,
        imageOrigins: this.vision ? [`https://${this.vision.bucket.bucketRegionalDomainName}`] : [],
      }),
    );
  }
}

/** Tags `target` (a construct or several) with `Module=<name>`; returns it so a creation reads as one line. */
function tagModule<T extends IConstruct | IConstruct[]>(name: ModuleName | 'core', target: T): T {
  for (const c of Array.isArray(target) ? target : [target]) Tags.of(c).add('Module', name);
  return target;
}
