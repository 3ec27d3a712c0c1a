/**
 * The three Lambda entry points' behaviour over injected SDK clients: the handlers build the
 * clients once at module scope from the environment, the local stack and the tests pass their own.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESClient } from '@aws-sdk/client-ses';
import { loadCallProfile } from '#core/call-profile.ts';
import {
  ACK_LEASE_MS,
  AcknowledgmentPendingError,
  reconcile,
  runIntake,
  type IntakeDeps,
  type IntakeOutcome,
  type ReconcileSummary,
} from '#core/intake.ts';
import type { IntakeConfig } from '../../config.ts';
import { parseInvocationRecord, type FailureQueue } from './failure-queue.ts';
import { SesMailSender } from './mail-sender.ts';
import { S3RawMailStore } from './raw-mail-store.ts';
import { DynamoReportRepository } from './report-repository.ts';
import { InvalidEventError, intakeRequestOf, parseSesEvent } from './ses-event.ts';

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly ses: SESClient;
}

export interface RuntimeOptions {
  readonly config: IntakeConfig;
  readonly clients: AwsClients;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
}

/** Metric names (namespace from POWERTOOLS_METRICS_NAMESPACE): new records by status, and sends that failed. */
type MetricName = 'accepted' | 'needs_revision' | 'ignored' | 'acknowledgmentFailures';

function count(metrics: Metrics, name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export interface RedriveSummary {
  /** Parked events processed and removed from the queue. */
  readonly redriven: number;
  /** Parked events that failed again: left in the queue. */
  readonly failed: number;
  /** Messages that hold no SES event: left in the queue for a person to look at. */
  readonly unreadable: number;
}

export interface IntakeRuntime {
  readonly deps: IntakeDeps;
  /** The intake function: throws on an infrastructure failure so that Lambda retries. */
  handleSesEvent(event: unknown): Promise<IntakeOutcome[]>;
  /** The scheduled reconciler. */
  reconcile(options?: Partial<{ minAgeMs: number; ackRetryWindowMs: number }>): Promise<ReconcileSummary>;
  /** Replays parked intake events until the queue is empty or `shouldStop` says so. */
  redrive(queue: FailureQueue, shouldStop?: () => boolean): Promise<RedriveSummary>;
}

const MINUTE = 60_000;

/** Attempts of one SES send, the SDK's retries included. */
export const SES_MAX_ATTEMPTS = 3;

/**
 * Request timeout for the SES client: all attempts of a send together end at least 30 s (backoff,
 * the rate count, the settle write) before the acknowledgment lease does (ACK_LEASE_MS, 2 minutes
 * = 3 × 30 s + 30 s), so that no other attempt claims the send while it may still go out.
 */
export const SES_SEND_TIMEOUT_MS = (ACK_LEASE_MS - 30_000) / SES_MAX_ATTEMPTS;

/**
 * The intake's ports over AWS clients, for the configured call. The call profile's recipient
 * becomes the first intake address: the one acknowledgments tell senders to write to.
 */
export function intakeDeps(config: IntakeConfig, clients: AwsClients, options: { now?: () => Date } = {}): IntakeDeps {
  return {
    rawMail: new S3RawMailStore(clients.s3, config.bucketName),
    repository: new DynamoReportRepository(clients.dynamodb, config.tableName),
    mailSender: new SesMailSender(clients.ses),
    profile: loadCallProfile(config.callId, { recipient: config.recipients[0] }),
    intakeAddresses: config.recipients,
    ackFrom: config.ackFrom,
    ackMaxPerSenderPerHour: config.ackMaxPerSenderPerHour,
    ...(options.now ? { now: options.now } : {}),
  };
}

export function createIntakeRuntime(options: RuntimeOptions): IntakeRuntime {
  const { config, clients, logger, metrics } = options;
  // Each stored report is counted by its status once, even when its acknowledgment fails and the
  // retry finds the record already there.
  const deps: IntakeDeps = {
    ...intakeDeps(config, clients, options.now ? { now: options.now } : {}),
    onStored: (record) => count(metrics, record.status),
  };

  const handleSesEvent = async (input: unknown): Promise<IntakeOutcome[]> => {
    const event = parseSesEvent(input);
    const outcomes: IntakeOutcome[] = [];
    for (const record of event.Records) {
      const request = intakeRequestOf(record, config.rawPrefix);
      logger.setCorrelationId(request.id);
      try {
        const outcome = await runIntake(request, deps);
        if (outcome.ack.status === 'failed') count(metrics, 'acknowledgmentFailures');
        logger.info(outcome.created ? 'Report stored' : 'Report already stored', {
          reportId: request.id,
          status: outcome.record.status,
          ack: outcome.ack,
        });
        outcomes.push(outcome);
      } catch (error) {
        if (error instanceof AcknowledgmentPendingError) {
          count(metrics, 'acknowledgmentFailures');
          logger.warn('Report stored, acknowledgment not sent yet; failing the invocation so that it is retried', { reportId: request.id, error });
        } else {
          logger.error('Intake failed; failing the invocation so that it is retried', { reportId: request.id, error });
        }
        throw error;
      } finally {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      }
    }
    return outcomes;
  };

  return {
    deps,
    handleSesEvent,

    async reconcile(overrides = {}) {
      const summary = await reconcile(config.rawPrefix, deps, {
        minAgeMs: overrides.minAgeMs ?? 15 * MINUTE,
        ackRetryWindowMs: overrides.ackRetryWindowMs ?? 7 * 24 * 60 * MINUTE,
      });
      if (summary.stillPending.length > 0) count(metrics, 'acknowledgmentFailures', summary.stillPending.length);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.info('Reconciled raw mail', {
        scanned: summary.scanned,
        recovered: summary.recovered.map((o) => o.record.id),
        retriedAcks: summary.retriedAcks.map((o) => ({ id: o.record.id, ack: o.ack.status })),
        stillPending: summary.stillPending,
      });
      return summary;
    },

    async redrive(queue, shouldStop = () => false) {
      let [redriven, failed, unreadable] = [0, 0, 0];
      const seen = new Set<string>();
      while (!shouldStop()) {
        // A message that failed reappears after its visibility timeout: one pass over the queue is enough.
        const messages = (await queue.receive(10)).filter((m) => !seen.has(m.messageId));
        if (messages.length === 0) break;
        for (const message of messages) {
          seen.add(message.messageId);
          const record = parseInvocationRecord(message.body);
          if (!record) {
            unreadable += 1;
            logger.error('Parked message holds no Lambda invocation record; left in the queue', { messageId: message.messageId });
            continue;
          }
          try {
            await handleSesEvent(record.requestPayload);
            await queue.delete(message);
            redriven += 1;
          } catch (error) {
            if (error instanceof InvalidEventError) unreadable += 1;
            else failed += 1;
            logger.warn('Parked event failed again; left in the queue', { messageId: message.messageId, error });
          }
        }
      }
      logger.info('Redrive finished', { redriven, failed, unreadable });
      return { redriven, failed, unreadable };
    },
  };
}
