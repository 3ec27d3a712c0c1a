import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_KEYS, parseDeploymentConfig, rawPrefixOf, type DeploymentConfig } from './config.ts';
import { STACK_NAMES } from './outputs.ts';
import { IntakeStack } from './stacks/intake-stack.ts';
import { StorageStack } from './stacks/storage-stack.ts';

export interface ReportIntakeStacks {
  readonly storage: StorageStack;
  readonly intake: IntakeStack;
}

/** Builds the deployment from a validated configuration. */
export function addReportIntake(app: App, config: DeploymentConfig): ReportIntakeStacks {
  // Unset account or region leaves the stacks environment-agnostic: synth needs no credentials.
  const env = { account: config.account, region: config.region };
  const storage = new StorageStack(app, STACK_NAMES.storage, {
    env,
    description: 'report-intake: raw messages and report records (retained on delete)',
    rawRetentionDays: config.rawRetentionDays,
  });
  const intake = new IntakeStack(app, STACK_NAMES.intake, {
    env,
    description: `report-intake: SES receiving, processing and acknowledgment for ${config.callId}`,
    domain: config.domain,
    recipients: config.recipients,
    callId: config.callId,
    rawPrefix: rawPrefixOf(config.callId),
    ackFrom: config.ackFrom,
    ackMaxPerSenderPerHour: config.ackMaxPerSenderPerHour,
    rawMailBucket: storage.rawMailBucket,
    reportTable: storage.reportTable,
    hostedZoneId: config.hostedZoneId,
    alarmEmail: config.alarmEmail,
    reservedConcurrency: config.reservedConcurrency === 'none' ? undefined : config.reservedConcurrency,
  });
  Tags.of(app).add('project', 'report-intake');
  Tags.of(app).add('call', config.callId);
  return { storage, intake };
}

export interface ReportIntakeApp extends ReportIntakeStacks {
  readonly app: App;
  /** The cdk-nag checks that run at synthesis, failing it on any finding left unacknowledged. */
  readonly nag: AwsSolutionsChecks;
}

/**
 * The CDK app as `cdk synth` builds it. The only place the deployment settings are read: CDK
 * context (`context`, cdk.json, -c key=value), and the account and region the CDK CLI derives
 * from the AWS profile (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION in `env`) when the context has none.
 * Throws DeploymentConfigError for invalid settings.
 */
export function buildApp(
  context: Readonly<Record<string, unknown>> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ReportIntakeApp {
  const app = new App(context ? { context: { ...context } } : {});
  const raw: Record<string, unknown> = Object.fromEntries(CONFIG_KEYS.map((key) => [key, app.node.tryGetContext(key)]));
  raw.account ??= env.CDK_DEFAULT_ACCOUNT;
  raw.region ??= env.CDK_DEFAULT_REGION;
  const stacks = addReportIntake(app, parseDeploymentConfig(raw));
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, ...stacks, nag };
}
