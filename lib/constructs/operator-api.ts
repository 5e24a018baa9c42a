// The province's HTTP API: Cognito-authenticated operator routes on one router function, device routes behind a Lambda authorizer.
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import { ENV } from '../../lambdas/shared/env-names.ts';
import type { CentralStore } from './central-store.ts';
import { ProvinceFunction, retentionDaysAtLeast } from './province-function.ts';

/** Cognito groups, most privileged first (group precedence follows this order). */
export const OPERATOR_GROUPS = ['admin', 'supervisor', 'operator'] as const;
export type OperatorGroup = (typeof OPERATOR_GROUPS)[number];

/** Where the console is served during development; the only OAuth callback until the console is hosted. */
export const LOCAL_CONSOLE_URL = 'http://localhost:5173';

/** One route: an HTTP method and a path such as `/sensors/{id}/latest`. */
export interface ApiRoute {
  readonly method: apigw.HttpMethod;
  readonly path: string;
}

/** Properties of {@link OperatorApi}. */
export interface OperatorApiProps {
  readonly config: ProvinceConfig;
  /** The province key; function and access log groups are encrypted with it. */
  readonly key: kms.IKey;
  /** The tables the operator router reads (observations) and maintains (device credentials in the registry). */
  readonly store: CentralStore;
  /** The device credential authorizer (`authorize-device`), used by every device route. */
  readonly deviceAuthorizer: lambda.IFunction;
}

/**
 * The API of one province. Operators sign in to a Cognito user pool (no self sign-up, email sign-in, strong
 * passwords, optional TOTP MFA; groups operator / supervisor / admin) and call operator routes with a JWT; devices
 * call device routes with a credential checked by a Lambda authorizer. No route is left without an authorizer.
 * Routes are added by the stack, module by module: {@link addOperatorRoutes} and {@link addDeviceRoutes}.
 */
export class OperatorApi extends Construct {
  /** The HTTP API. */
  public readonly api: apigw.HttpApi;
  /** The `$default` stage: throttled and access-logged. */
  public readonly stage: apigw.HttpStage;
  /** Operator identities. */
  public readonly userPool: cognito.UserPool;
  /** The console's public client (authorization code + PKCE, no secret). */
  public readonly userPoolClient: cognito.UserPoolClient;
  /** The operator router function (`operator-api`), target of every operator route. */
  public readonly operatorFunction: ProvinceFunction;
  /** API access logs. */
  public readonly accessLogs: logs.LogGroup;

  private readonly jwtAuthorizer: authorizers.HttpJwtAuthorizer;
  private readonly deviceAuthorizer: authorizers.HttpLambdaAuthorizer;
  private readonly operatorIntegration: integrations.HttpLambdaIntegration;
  private readonly deviceIntegrations = new Map<ProvinceFunction, integrations.HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: OperatorApiProps) {
    super(scope, id);
    const { config, key, store } = props;
    const removalPolicy = config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: !config.sandbox,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason:
          'MFA is OPTIONAL (TOTP only) for the pilot so operators can enrol an authenticator at first sign-in; ' +
          'switch to REQUIRED once every operator account has enrolled.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG8',
        reason:
          'Essentials tier: a handful of administrator-created operator accounts, no self sign-up, strong passwords ' +
          'and TOTP; Plus-tier threat protection is a cost decision left to each province before production.',
      },
    );
    OPERATOR_GROUPS.forEach((group, precedence) => {
      new cognito.CfnUserPoolGroup(this, `${pascal(group)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        precedence,
        description: `${config.code}: ${group}`,
      });
    });
    this.userPoolClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${LOCAL_CONSOLE_URL}/auth/callback`],
        logoutUrls: [`${LOCAL_CONSOLE_URL}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.operatorFunction = new ProvinceFunction(this, 'OperatorRouter', {
      name: 'operator-api',
      config,
      key,
      description: 'operator API router (sensors, observations, device credentials)',
    })
      .bindTable(store.observations, ENV.observationsTable, 'read')
      .bindTable(store.registry, ENV.registryTable, 'readWrite')
      .bindTable(store.incidents, ENV.incidentsTable, 'readWrite', store.incidentIndexes);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: retentionDaysAtLeast(config.retention.logDays),
      encryptionKey: key,
      removalPolicy,
    });
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: `${config.name} (${config.code}): operator and device API`,
      createDefaultStage: false,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            responseLength: '$context.responseLength',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    this.jwtAuthorizer = new authorizers.HttpJwtAuthorizer('OperatorJwt', this.userPool.userPoolProviderUrl, {
      authorizerName: 'operator-jwt',
      jwtAudience: [this.userPoolClient.userPoolClientId],
    });
    this.deviceAuthorizer = new authorizers.HttpLambdaAuthorizer('DeviceCredential', props.deviceAuthorizer, {
      authorizerName: 'device-credential',
      responseTypes: [authorizers.HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(60),
    });
    this.operatorIntegration = new integrations.HttpLambdaIntegration('OperatorIntegration', this.operatorFunction.fn);

    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the province API', value: this.stage.url }).overrideLogicalId(
      'ApiUrl',
    );
    new CfnOutput(this, 'UserPoolId', { description: 'Operator user pool', value: this.userPool.userPoolId }).overrideLogicalId(
      'UserPoolId',
    );
    new CfnOutput(this, 'UserPoolClientId', {
      description: 'Console app client (authorization code + PKCE)',
      value: this.userPoolClient.userPoolClientId,
    }).overrideLogicalId('UserPoolClientId');
  }

  /** Adds operator routes: JWT-authorized (user pool, console client audience), all served by the operator router. */
  public addOperatorRoutes(routes: ReadonlyArray<ApiRoute>, handler?: ProvinceFunction): apigw.HttpRoute[] {
    const integration = handler ? this.integrationFor(handler) : this.operatorIntegration;
    return routes.flatMap((r) =>
      this.api.addRoutes({
        path: r.path,
        methods: [r.method],
        integration,
        authorizer: this.jwtAuthorizer,
      }),
    );
  }

  private integrationFor(handler: ProvinceFunction): integrations.HttpLambdaIntegration {
    let integration = this.deviceIntegrations.get(handler);
    if (!integration) {
      integration = new integrations.HttpLambdaIntegration(`${pascal(handler.name)}Integration`, handler.fn);
      this.deviceIntegrations.set(handler, integration);
    }
    return integration;
  }

  /** Adds device routes served by `handler`, each authorized by the device credential authorizer. */
  public addDeviceRoutes(routes: ReadonlyArray<ApiRoute>, handler: ProvinceFunction): apigw.HttpRoute[] {
    const target = this.integrationFor(handler);
    return routes.flatMap((r) =>
      this.api.addRoutes({ path: r.path, methods: [r.method], integration: target, authorizer: this.deviceAuthorizer }),
    );
  }
}

function pascal(s: string): string {
  return s.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
