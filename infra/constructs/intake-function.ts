import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: handler entries and package-lock.json are resolved from here, whatever the cwd. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface IntakeFunctionProps {
  /** The handler module, relative to the project root (it exports `handler`). */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Powertools service name: the `service` key of every log line and a metrics dimension. */
  readonly serviceName: string;
  /** Powertools metrics namespace. */
  readonly metricsNamespace: string;
  /** Function-specific environment, added to the house variables. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB; CPU grows with it, and parsing PDF and Office attachments is CPU-bound.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * @default - no reservation: the function draws on the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long the function's logs are kept (they hold sender addresses).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where asynchronous invocations go once retries are exhausted.
   * @default - none: Lambda drops the event
   */
  readonly onFailure?: lambda.IDestination;
  /**
   * Retries of a failed asynchronous invocation.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long Lambda keeps retrying an asynchronous event.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

/**
 * A Lambda function with the house defaults: the newest Node.js runtime, arm64, an ESM bundle built
 * by the local esbuild (minified, with source maps), Powertools settings, its own log group with a
 * retention, and a role that may write to that log group and nothing else until granted more.
 */
export class IntakeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** The execution role: grant to this (or to `function`). */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: IntakeFunctionProps) {
    super(scope, id);
    const entry = join(PROJECT_ROOT, props.entry);
    if (!existsSync(entry)) throw new Error(`IntakeFunction ${id}: no handler module at ${props.entry}`);
    if (props.serviceName.trim() === '') throw new Error(`IntakeFunction ${id}: serviceName must not be empty`);
    if (props.reservedConcurrentExecutions !== undefined && !(props.reservedConcurrentExecutions >= 1)) {
      throw new Error(`IntakeFunction ${id}: reservedConcurrentExecutions must be at least 1 (0 would disable the function)`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Operational logs, not records: the reports themselves live in the retained table and bucket.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy, which may write to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(1),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundled, not taken from the runtime: the SDK version is the one the tests ran against.
        bundleAwsSDK: true,
        // mailparser and iconv-lite are CommonJS and call require(); an ESM bundle has none of its own.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // The local esbuild from node_modules: synth needs neither Docker nor network.
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
  }
}
