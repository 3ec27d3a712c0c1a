/**
 * What every Lambda entry point shares: clients built once per container, their endpoints from
 * AWS_ENDPOINT_URL_S3 / _DYNAMODB / _SES when set (the SDK reads those itself), Powertools logging
 * and metrics with the call as dimension.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SES_MAX_ATTEMPTS, SES_SEND_TIMEOUT_MS, createIntakeRuntime, type IntakeRuntime } from '#adapters/aws/runtime.ts';
import type { IntakeConfig } from '../config.ts';

export function lambdaRuntime(config: IntakeConfig): { runtime: IntakeRuntime; logger: Logger } {
  const logger = new Logger();
  const metrics = new Metrics({ defaultDimensions: { callId: config.callId } });
  const runtime = createIntakeRuntime({
    config,
    clients: {
      s3: new S3Client({}),
      dynamodb: new DynamoDBClient({}),
      // Explicit, not AWS_MAX_ATTEMPTS: attempts × timeout must stay within the acknowledgment lease.
      ses: new SESClient({ maxAttempts: SES_MAX_ATTEMPTS, requestHandler: { requestTimeout: SES_SEND_TIMEOUT_MS } }),
    },
    logger,
    metrics,
  });
  return { runtime, logger };
}
