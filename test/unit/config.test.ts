import { describe, expect, it } from 'vitest';
import { DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR, intakeEnvironment, loadIntakeConfig, type IntakeConfig } from '../../functions/config.ts';

describe('the functions\' environment', () => {
  const config: IntakeConfig = {
    callId: 'wsis-2025',
    recipients: ['reports@example.org', 'late-reports@example.org'],
    tableName: 'ReportIntakeStorage-Reports1A2B3C',
    bucketName: 'reportintakestorage-rawmail-1x2y3z',
    rawPrefix: 'raw/wsis-2025/',
    ackFrom: 'reports@example.org',
    ackMaxPerSenderPerHour: 3,
  };

  it('reads back the settings a deployment writes', () => {
    expect(loadIntakeConfig(intakeEnvironment(config))).toEqual(config);
  });

  it('falls back to the default acknowledgment limit when the variable is unset', () => {
    const env: Record<string, string | undefined> = intakeEnvironment(config);
    delete env.ACK_MAX_PER_SENDER_PER_HOUR;
    expect(loadIntakeConfig(env).ackMaxPerSenderPerHour).toBe(DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR);
  });
});
