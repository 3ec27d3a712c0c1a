import { DeploymentConfigError } from './config.ts';
import { buildApp } from './report-intake.ts';

try {
  buildApp(undefined, process.env);
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
