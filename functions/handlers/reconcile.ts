/**
 * Scheduled: raw messages in S3 that have no record (Lambda dropped or never delivered the event)
 * are processed once, and acknowledgments left pending or failed are retried.
 */
import type { Context } from 'aws-lambda';
import { lambdaRuntime } from './lambda-runtime.ts';
import type { ReconcileSummary } from '#core/intake.ts';
import { loadIntakeConfig } from '../config.ts';

const config = loadIntakeConfig();
const { runtime, logger } = lambdaRuntime(config);

export const handler = async (_event: unknown, context?: Context): Promise<{ recovered: number; retriedAcks: number; stillPending: number }> => {
  if (context) logger.addContext(context);
  const summary: ReconcileSummary = await runtime.reconcile();
  return { recovered: summary.recovered.length, retriedAcks: summary.retriedAcks.length, stillPending: summary.stillPending.length };
};
