/**
 * Invoked by hand: replays the intake events parked in the failure queue (Lambda's on-failure
 * destination), deleting each one that now succeeds.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { lambdaRuntime } from './lambda-runtime.ts';
import { SqsFailureQueue } from '#adapters/aws/failure-queue.ts';
import type { RedriveSummary } from '#adapters/aws/runtime.ts';
import { loadRedriveConfig } from '../config.ts';

const config = loadRedriveConfig();
const { runtime, logger } = lambdaRuntime(config);
const queue = new SqsFailureQueue(new SQSClient({}), config.failureQueueUrl);

/** Stop taking new messages this long before the function's timeout. */
const SAFETY_MARGIN_MS = 30_000;

export const handler = async (_event: unknown, context?: Context): Promise<RedriveSummary> => {
  if (context) logger.addContext(context);
  return runtime.redrive(queue, () => (context ? context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS : false));
};
