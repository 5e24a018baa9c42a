// Hosting of the operations console: a private bucket behind CloudFront (origin access control, security headers,
// Vietnam-only), the Cognito managed-login domain and the console's app-client URLs. `npm run console:deploy` uploads
// the one console build and a config.json made from this stack's outputs.
import { Aws, CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';

/** Properties of {@link ConsoleSite}. */
export interface ConsoleSiteProps {
  readonly config: ProvinceConfig;
  readonly api: apigw.HttpApi;
  readonly apiUrl: string;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** Origins the console may load frame images from (the frames bucket), for the CSP. */
  readonly imageOrigins?: string[];
}

/**
 * The console's bucket (private, SSE-S3, TLS only), a CloudFront distribution reading it through origin access
 * control (HTTPS only, HTTP/2 and 3, security headers incl. CSP and HSTS, viewers in Vietnam only, access logs), the
 * Cognito managed-login domain, and CORS on the API for the console's origin.
 */
export class ConsoleSite extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logs: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly domain: cognito.UserPoolDomain;
  /** `https://<distribution>` */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.logs = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logs are delivered with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(Math.max(90, config.retention.logDays)) }],
      removalPolicy,
    });
    Validations.of(this.logs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This bucket receives the console distribution and bucket access logs; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'site-bucket/',
      removalPolicy,
    });

    this.domain = props.userPool.addDomain('ManagedLogin', {
      // Prefixes are global: the province code and the account keep two provinces (or accounts) apart.
      cognitoDomain: { domainPrefix: `smartcity-${config.code}-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const cognitoOrigin = `https://${this.domain.domainName}.auth.${Aws.REGION}.amazoncognito.com`;
    // The API's own id would close a cycle (the API's CORS names this distribution): the region's API Gateway hosts.
    const apiOrigin = `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const images = (props.imageOrigins ?? []).join(' ');

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: `${config.code}: console security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            `img-src 'self' data: blob: ${images}`.trim(),
            `connect-src 'self' ${apiOrigin} ${cognitoOrigin}`,
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            `form-action 'self' ${cognitoOrigin}`,
            "frame-ancestors 'none'",
          ].join('; '),
        },
        strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: false },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: { override: true, referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER },
        xssProtection: { override: true, protection: true, modeBlock: true },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${config.code}: operations console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      geoRestriction: cloudfront.GeoRestriction.allowlist('VN'),
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'distribution/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR4',
      reason:
        'Without a custom domain CloudFront serves *.cloudfront.net with its default certificate, whose policy cannot be ' +
        'changed; a province adding its own domain sets certificate + minimumProtocolVersion TLS_V1_2_2021 here.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR2',
      reason: 'A static console for a few signed-in operators, viewers limited to Vietnam: AWS WAF is a cost decision left to each province.',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The console's app client: managed login redirects back to the console.
    const client = props.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient;
    client.callbackUrLs = [...(client.callbackUrLs ?? []), `${this.url}/`];
    client.logoutUrLs = [...(client.logoutUrLs ?? []), `${this.url}/`];
    // The API answers the console's origin (preflight included); the JWT authorizer still guards every route.
    const cfnApi = props.api.node.defaultChild as apigw.CfnApi;
    cfnApi.corsConfiguration = {
      allowOrigins: [this.url],
      allowHeaders: ['authorization', 'content-type'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      maxAge: 3600,
    };

    new CfnOutput(scope, 'ConsoleUrl', { description: 'The operations console', value: `${this.url}/` }).overrideLogicalId('ConsoleUrl');
    new CfnOutput(scope, 'ConsoleBucket', { description: 'Upload the console build here (npm run console:deploy)', value: this.bucket.bucketName }).overrideLogicalId('ConsoleBucket');
    new CfnOutput(scope, 'ConsoleDistributionId', { value: this.distribution.distributionId }).overrideLogicalId('ConsoleDistributionId');
    new CfnOutput(scope, 'CognitoDomain', { description: 'Managed login', value: cognitoOrigin }).overrideLogicalId('CognitoDomain');
  }
}
