// The API: every route authorized (JWT for operators, device authorizer for devices), Cognito, stage, outputs.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { describe, expect, it } from 'vitest';
import { CAMERA_DEVICE_ROUTES, functionOf, routeKey, routesFor } from '../../lambdas/operator-api/api-spec.ts';
import { openApiDocument } from '../../lambdas/operator-api/openapi.ts';
import { buildProvince, logicalIdOf, provinceFunctions, synthProvince } from '../helpers/synth.ts';

type Resource = { Properties: Record<string, unknown> };

describe('OperatorApi', () => {
  const { template, stack, config } = synthProvince('da-nang');
  const routes = template.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>;
  const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer') as Record<string, Resource>;
  const authorizerOf = (route: Resource) => {
    const ref = route.Properties.AuthorizerId as { Ref: string };
    return authorizers[ref.Ref]!.Properties;
  };
  const routeKeys = Object.values(routes).map((r) => r.Properties.RouteKey as string);
  // Who may call each route, as the OpenAPI document says: operators (Cognito JWT) or devices (device credential).
  const securityOf = new Map<string, string | undefined>(
    Object.entries(openApiDocument({ modules: config.modules }).paths as Record<string, Record<string, { security: object[] }>>).flatMap(
      ([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${path}`, Object.keys(op.security[0]!)[0]] as const),
    ),
  );
  const operatorRoutes = Object.values(routes).filter((r) => securityOf.get(r.Properties.RouteKey as string) === 'cognito');
  const deviceRoutes = Object.values(routes).filter((r) => securityOf.get(r.Properties.RouteKey as string) === 'device');
  // The function each route is wired to: operator routes as their spec says, device routes by module.
  const deviceRouteFunctions: Record<string, string> = {
    'POST /events': 'ingest-events',
    ...Object.fromEntries(CAMERA_DEVICE_ROUTES.map((r) => [routeKey(r), r.fn])),
  };
  const functionFor = (key: string): string | undefined => {
    const spec = routesFor(config.modules).find((r) => routeKey(r) === key);
    return deviceRouteFunctions[key] ?? (spec && functionOf(spec));
  };

  it('serves exactly the routes of the OpenAPI document, for every sample province', () => {
    for (const code of ['da-nang', 'hue', 'can-tho']) {
      const { template, config } = synthProvince(code);
      const inStack = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
      const doc = openApiDocument({ modules: config.modules });
      const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect(inStack.sort(), code).toEqual(documented.sort());
    }
    expect(routeKeys).toContain('POST /incidents/{id}/acknowledge');
  });

  it('leaves no route without an authorizer', () => {
    for (const route of Object.values(routes)) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey as string).not.toBe('NONE');
      expect(route.Properties.AuthorizationType).toBeDefined();
      expect(route.Properties.AuthorizerId).toBeDefined();
    }
  });

  it('authorizes operator routes with the user pool JWT, audience the console client', () => {
    expect(operatorRoutes.length + deviceRoutes.length).toBe(Object.keys(routes).length);
    expect(operatorRoutes.map((r) => r.Properties.RouteKey)).toContain('POST /clips');
    for (const route of operatorRoutes) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey as string).toBe('JWT');
      expect(authorizerOf(route)).toMatchObject({
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [stack.resolve(stack.api.userPoolClient.userPoolClientId)],
          Issuer: stack.resolve(stack.api.userPool.userPoolProviderUrl),
        },
      });
    }
  });

  it('authorizes device routes (POST /events, camera frames) with the device authorizer: payload 2.0, simple responses, 60 s cache', () => {
    expect(deviceRoutes.map((r) => r.Properties.RouteKey).sort()).toEqual(['POST /cameras/{id}/frames', 'POST /events']);
    for (const route of deviceRoutes) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey as string).toBe('CUSTOM');
      expect(authorizerOf(route)).toMatchObject({
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 60,
      });
      expect(JSON.stringify(authorizerOf(route).AuthorizerUri)).toContain(logicalIdOf(stack, stack.ingest.deviceAuthorizer.fn));
    }
  });

  it('sends each route to its function: the operator router, start-clip, ingest-events or request-frame-url', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<string, Resource>;
    const targetOf = (routeKey: string) => {
      const route = Object.values(routes).find((r) => r.Properties.RouteKey === routeKey)!;
      const id = (route.Properties.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as { Ref: string };
      return JSON.stringify(integrations[id.Ref]!.Properties.IntegrationUri);
    };
    const byName = new Map(provinceFunctions(stack).map((f) => [f.name, f]));
    const used = new Set<string>();
    for (const key of routeKeys) {
      const name = functionFor(key) ?? `no function for ${key}`;
      used.add(name);
      const fn = byName.get(name);
      expect(fn, `${key} → ${name}`).toBeDefined();
      expect(targetOf(key), key).toContain(logicalIdOf(stack, fn!.fn));
    }
    expect([...used].sort()).toEqual(['ingest-events', 'operator-api', 'request-frame-url', 'start-clip']);
    expect(functionFor('POST /clips')).toBe('start-clip');
    expect(functionFor('GET /clips/{id}')).toBe('operator-api');
    // One integration per target function.
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', used.size);
  });

  it('adds later operator routes behind the same JWT authorizer', () => {
    const { stack } = buildProvince('can-tho');
    stack.api.addOperatorRoutes([{ method: HttpMethod.GET, path: '/reports' }]);
    const template = Template.fromStack(stack);
    const authorizerOfRoute = (routeKey: string) =>
      Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }))[0]!
        .Properties.AuthorizerId;
    expect(authorizerOfRoute('GET /reports')).toEqual(authorizerOfRoute('GET /observations'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /reports', AuthorizationType: 'JWT' });
  });

  it('throttles and access-logs the default stage', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: stack.resolve(stack.api.accessLogs.logGroupArn),
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    synthProvince({ api: { rateLimit: 5, burstLimit: 10 } }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  it('signs operators in with email, strong passwords, optional TOTP and no self sign-up', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      DeletionProtection: 'ACTIVE',
    });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    synthProvince('can-tho').template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }),
    });
  });

  it('has the operator, supervisor and admin groups', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'operator', 'supervisor']);
  });

  it('has one public console client: authorization code (PKCE), no secret, localhost and hosted console callbacks', () => {
    // The hosted console (test/lib/console-site.test.ts) adds its distribution URL after the local one.
    const hosted = stack.resolve(`${stack.console.url}/`);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [Match.stringLikeRegexp('^http://localhost:'), hosted],
      LogoutURLs: [Match.stringLikeRegexp('^http://localhost:'), hosted],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('outputs the API URL, user pool id and client id', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('UserPoolId', { Value: stack.resolve(stack.api.userPool.userPoolId) });
    template.hasOutput('UserPoolClientId', { Value: stack.resolve(stack.api.userPoolClient.userPoolClientId) });
  });

  it('lets the operator router read observations and maintain the registry, nothing on the stream', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'operator-api',
          OBSERVATIONS_TABLE: stack.resolve(stack.store.observations.tableName),
          REGISTRY_TABLE: stack.resolve(stack.store.registry.tableName),
          STREAM_NAME: Match.absent(),
        }),
      },
    });
  });
});
