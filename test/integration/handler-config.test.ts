import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadIntakeConfig, loadRedriveConfig } from '../../functions/config.ts';

const complete = {
  CALL_ID: 'wsis-2025',
  RECIPIENTS: 'Reports@Intake.Localhost, reports-fr@intake.localhost',
  TABLE_NAME: 'ReportIntake-Reports',
  BUCKET_NAME: 'report-intake-raw-mail',
  RAW_PREFIX: 'raw/wsis-2025/',
  ACK_FROM: 'acknowledgments@intake.localhost',
};

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
  vi.resetModules();
});

describe('function settings', () => {
  it('reads a complete environment, with the acknowledgment limit defaulting to 5', () => {
    expect(loadIntakeConfig(complete)).toEqual({
      callId: 'wsis-2025',
      recipients: ['reports@intake.localhost', 'reports-fr@intake.localhost'],
      tableName: 'ReportIntake-Reports',
      bucketName: 'report-intake-raw-mail',
      rawPrefix: 'raw/wsis-2025/',
      ackFrom: 'acknowledgments@intake.localhost',
      ackMaxPerSenderPerHour: 5,
    });
  });

  it('names every missing variable at once', () => {
    expect(() => loadIntakeConfig({})).toThrow(
      'Environment is incomplete: CALL_ID is missing; RECIPIENTS is missing; TABLE_NAME is missing; BUCKET_NAME is missing; RAW_PREFIX is missing; ACK_FROM is missing',
    );
  });

  it('names every malformed variable with what is wrong', () => {
    const error = catchError(() =>
      loadIntakeConfig({ ...complete, RECIPIENTS: 'reports', RAW_PREFIX: 'raw/wsis-2025', ACK_MAX_PER_SENDER_PER_HOUR: 'five' }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/RECIPIENTS is invalid/);
    expect(error.message).toMatch(/RAW_PREFIX is invalid \(a key prefix ending with "\/"/);
    expect(error.message).toMatch(/ACK_MAX_PER_SENDER_PER_HOUR is invalid/);
    expect(error.message).not.toMatch(/CALL_ID|TABLE_NAME|ACK_FROM/);
  });

  it('needs the failure queue for the redrive function only', () => {
    expect(() => loadRedriveConfig(complete)).toThrow('FAILURE_QUEUE_URL is missing');
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/report-intake-FailedIntakeEvents';
    expect(loadRedriveConfig({ ...complete, FAILURE_QUEUE_URL: queueUrl }).failureQueueUrl).toBe(queueUrl);
  });

  it('stops the intake function at start-up, naming what is missing', async () => {
    process.env = { ...savedEnv, ...complete, ACK_FROM: undefined, TABLE_NAME: '' };
    await expect(import('../../functions/handlers/intake.ts')).rejects.toThrow(/TABLE_NAME is invalid.*ACK_FROM is missing/);
  });
});

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an error');
}
