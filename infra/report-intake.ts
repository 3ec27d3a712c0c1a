import { Tags, type App } from 'aws-cdk-lib';
import { rawPrefixOf, type DeploymentConfig } from './config.ts';
import { IntakeStack } from './stacks/intake-stack.ts';
import { StorageStack } from './stacks/storage-stack.ts';

/** CloudFormation stack names; the staff CLI reads the outputs of `intake`. */
export const STACK_NAMES = { storage: 'ReportIntakeStorage', intake: 'ReportIntake' } as const;

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
