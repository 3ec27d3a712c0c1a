/**
 * SES receipt rule → Lambda (Event invocation). A report with problems is a normal outcome; an
 * infrastructure failure throws, so that Lambda retries and finally parks the event in the
 * failure queue. Clients are built once per container; their endpoints may come from
 * AWS_ENDPOINT_URL_S3 / _DYNAMODB / _SES, which the SDK reads itself.
 */
import type { Context } from 'aws-lambda';
import { lambdaRuntime } from './lambda-runtime.ts';
import { loadIntakeConfig } from '../config.ts';

const config = loadIntakeConfig();
const { runtime, logger } = lambdaRuntime(config);

export const handler = async (event: unknown, context?: Context): Promise<void> => {
  if (context) logger.addContext(context);
  await runtime.handleSesEvent(event);
};
