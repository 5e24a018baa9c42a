// The console's hosting: a private bucket CloudFront reads through OAC, security headers, Vietnam only, managed login, CORS, alert links.
import { describe, expect, it } from 'vitest';
import { UNITS } from '../../lib/config/schema.ts';
import { BASE_PROVINCE, cfnText, logicalIdOf, provinceConfig, synthProvince } from '../helpers/synth.ts';

type Statement = { Effect: string; Action: string | string[]; Principal?: unknown; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

/** A CSP as directive → sources. */
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));

describe('ConsoleSite on da-nang', () => {
  const { template, stack, config } = synthProvince(BASE_PROVINCE);
  const site = stack.console;
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: Parameters<typeof logicalIdOf>[1]) => logicalIdOf(stack, c);
  const resourceOf = (c: Parameters<typeof logicalIdOf>[1]) => resources[id(c)]!;
  const policyOf = (bucketId: string): Statement[] => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId);
    expect(policies, bucketId).toHaveLength(1);
    return policies[0]!.Properties.PolicyDocument.Statement;
  };
  const tlsOnly = (bucketId: string) =>
    expect(policyOf(bucketId)).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  const distributionId = id(site.distribution);
  const distribution = resourceOf(site.distribution).Properties.DistributionConfig;
  /** `https://<distribution domain>` as text, the console's origin. */
  const consoleOrigin = `https://\${${distributionId}.DomainName}`;
  const cognitoOrigin = `https://\${${id(site.domain)}}.auth.\${AWS::Region}.amazoncognito.com`;
  const headersId: string = distribution.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
  const headers = resources[headersId]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
  const csp = directives(cfnText(headers.ContentSecurityPolicy.ContentSecurityPolicy));
  const envOf = (fn: { fn: Parameters<typeof logicalIdOf>[1] }) => resourceOf(fn.fn).Properties.Environment.Variables as Record<string, unknown>;

  it('keeps the site bucket private: public access blocked, TLS only, SSE-S3, access logs to the log bucket', () => {
    expect(resourceOf(site.bucket).Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: id(site.logs) }, LogFilePrefix: expect.any(String) },
    });
    tlsOnly(id(site.bucket));
    expect(resourceOf(site.bucket).DeletionPolicy).toBe(config.sandbox ? 'Delete' : 'Retain');
  });

  it('lets only CloudFront read the site bucket, for this distribution, through origin access control', () => {
    const allows = policyOf(id(site.bucket)).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [read] = allows;
    expect(read).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(cfnText(read!.Resource)).toBe(`\${${id(site.bucket)}.Arn}/*`);
    expect(Object.keys(read!.Condition!)).toEqual(['StringEquals']);
    expect(cfnText(read!.Condition!.StringEquals!['AWS:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`,
    );
    // One origin, the site bucket, signed with SigV4 on every request; no legacy origin access identity.
    const oacs = template.findResources('AWS::CloudFront::OriginAccessControl');
    expect(Object.values(oacs).map((o) => o.Properties.OriginAccessControlConfig)).toEqual([
      expect.objectContaining({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    ]);
    expect(distribution.Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [id(site.bucket), 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [Object.keys(oacs)[0], 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('keeps the log bucket private, TLS only and SSE-S3, writable by S3 log delivery for the site bucket only', () => {
    expect(resourceOf(site.logs).Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      // CloudFront standard logs are delivered with an ACL: the bucket must accept the writer's ownership.
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    });
    tlsOnly(id(site.logs));
    const allows = policyOf(id(site.logs)).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:PutObject',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: expect.objectContaining({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [id(site.bucket), 'Arn'] } } }),
      }),
    ]);
  });

  it('serves over HTTPS (redirect), HTTP/2 and 3, index.html at the root, viewers in Vietnam only, logged to the log bucket', () => {
    expect(distribution).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: { Ref: headersId } },
      Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['VN'] } },
      Logging: { Bucket: { 'Fn::GetAtt': [id(site.logs), 'RegionalDomainName'] } },
    });
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    expect(resources[headersId]!.Type).toBe('AWS::CloudFront::ResponseHeadersPolicy');
  });

  it('sends a CSP that allows this origin, the API Gateway hosts of the region and the Cognito domain, and no framing', () => {
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}', cognitoOrigin]);
    expect(csp.get('form-action')).toEqual(["'self'", cognitoOrigin]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    // Camera frames come from the frames bucket (crowd module), by presigned URL.
    expect(csp.get('img-src')).toContain(`https://\${${id(stack.vision!.bucket)}.RegionalDomainName}`);
    for (const [name, sources] of csp) expect(sources.filter((s) => /unsafe|^\*$|^https?:$/.test(s)), name).toEqual([]);
  });

  it('sends HSTS for at least a year, nosniff, frame DENY and no referrer, overriding the origin', () => {
    expect(headers.StrictTransportSecurity).toMatchObject({ Override: true, IncludeSubdomains: true });
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ Override: true, FrameOption: 'DENY' });
    expect(headers.ReferrerPolicy).toEqual({ Override: true, ReferrerPolicy: 'no-referrer' });
  });

  it('gives the user pool a managed-login domain smartcity-<code>-<account>', () => {
    const domain = resourceOf(site.domain).Properties;
    expect(domain.UserPoolId).toEqual({ Ref: id(stack.api.userPool) });
    expect(cfnText(domain.Domain)).toBe(`smartcity-${config.code}-\${AWS::AccountId}`);
  });

  it('builds a valid domain prefix for every province code (Cognito: lower case, digits, hyphens, ≤ 63, no aws/amazon/cognito)', () => {
    expect(UNITS.length).toBeGreaterThan(0);
    for (const { code } of UNITS) {
      const prefix = `smartcity-${code}-123456789012`;
      expect(prefix, code).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
      expect(prefix, code).not.toMatch(/aws|amazon|cognito/);
    }
  });

  it("adds the console's URL to the app client's callback and logout URLs; the client has no secret", () => {
    const client = resourceOf(stack.api.userPoolClient).Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.CallbackURLs.map(cfnText)).toContain(`${consoleOrigin}/`);
    expect(client.LogoutURLs.map(cfnText)).toContain(`${consoleOrigin}/`);
  });

  it("lets the API answer the console's origin only, with the authorization and content-type headers", () => {
    const cors = resourceOf(stack.api.api).Properties.CorsConfiguration;
    expect(cors.AllowOrigins.map(cfnText)).toEqual([consoleOrigin]);
    expect(cors.AllowHeaders.map((h: string) => h.toLowerCase()).sort()).toEqual(['authorization', 'content-type']);
    expect(cors.AllowCredentials).not.toBe(true);
  });

  it('outputs the console URL, bucket, distribution id and Cognito domain', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(cfnText(outputs.ConsoleUrl!.Value)).toBe(`${consoleOrigin}/`);
    expect(outputs.ConsoleBucket!.Value).toEqual({ Ref: id(site.bucket) });
    expect(outputs.ConsoleDistributionId!.Value).toEqual({ Ref: distributionId });
    expect(cfnText(outputs.CognitoDomain!.Value)).toBe(cognitoOrigin);
  });

  it("links alerts (process-stream and sweep) to the console's hash routes", () => {
    for (const fn of [stack.processor.fn, stack.alerts.sweep]) expect(cfnText(envOf(fn).ALERT_BASE_URL), fn.name).toBe(`${consoleOrigin}/#`);
  });
});

describe('ConsoleSite with alerts.consoleUrl set', () => {
  const consoleUrl = 'https://ioc.danang.example.vn';
  const { template, stack, config } = synthProvince({ alerts: { ...provinceConfig(BASE_PROVINCE).alerts, consoleUrl } });
  const envOf = (fn: { fn: Parameters<typeof logicalIdOf>[1] }) =>
    template.toJSON().Resources[logicalIdOf(stack, fn.fn)].Properties.Environment.Variables as Record<string, unknown>;

  it('links alerts to the configured URL as it is, and still hosts the console', () => {
    expect(config.alerts.consoleUrl).toBe(consoleUrl);
    for (const fn of [stack.processor.fn, stack.alerts.sweep]) expect(envOf(fn).ALERT_BASE_URL, fn.name).toBe(consoleUrl);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
  });
});
