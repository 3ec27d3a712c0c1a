import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_KEYS, DeploymentConfigError, parseDeploymentConfig } from './config.ts';
import { addReportIntake } from './report-intake.ts';

// The only place the deployment settings are read: CDK context (cdk.json, -c key=value), and the
// account and region the CDK CLI derives from the AWS profile when there is one.
const app = new App();
const raw: Record<string, unknown> = Object.fromEntries(CONFIG_KEYS.map((key) => [key, app.node.tryGetContext(key)]));
raw.account ??= process.env.CDK_DEFAULT_ACCOUNT;
raw.region ??= process.env.CDK_DEFAULT_REGION;

try {
  addReportIntake(app, parseDeploymentConfig(raw));
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
