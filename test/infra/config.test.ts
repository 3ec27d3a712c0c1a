import { describe, expect, it } from 'vitest';
import { DeploymentConfigError, parseDeploymentConfig } from '../../infra/config.ts';
import { buildApp } from '../../infra/report-intake.ts';
import { cdkJsonContext } from './deployment.ts';

/** The message of the error `parseDeploymentConfig` throws for cdk.json's context with `overrides`. */
function configError(overrides: Record<string, unknown>): string {
  try {
    parseDeploymentConfig({ ...cdkJsonContext, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentConfigError);
    return (error as DeploymentConfigError).message;
  }
  throw new Error(`expected ${JSON.stringify(overrides)} to be rejected`);
}

describe('deployment configuration', () => {
  it('accepts the example configuration of cdk.json as it stands', () => {
    const config = parseDeploymentConfig(cdkJsonContext);
    expect(config).toMatchObject({
      domain: 'example.org',
      recipients: ['reports@example.org'],
      callId: 'wsis-2025',
      ackFrom: 'reports@example.org',
      ackMaxPerSenderPerHour: 5,
      rawRetentionDays: 400,
    });
    expect(config.hostedZoneId).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
  });

  it('reads -c values, which arrive as strings: numbers, and comma-separated recipients', () => {
    const config = parseDeploymentConfig({
      ...cdkJsonContext,
      recipients: 'reports@example.org, Late-Reports@Example.org',
      rawRetentionDays: '30',
      ackMaxPerSenderPerHour: '2',
      reservedConcurrency: 'none',
    });
    expect(config.recipients).toEqual(['reports@example.org', 'late-reports@example.org']);
    expect(config.rawRetentionDays).toBe(30);
    expect(config.ackMaxPerSenderPerHour).toBe(2);
    expect(config.reservedConcurrency).toBe('none');
  });

  it('falls back to the documented defaults for optional numbers', () => {
    const config = parseDeploymentConfig({
      ...cdkJsonContext,
      rawRetentionDays: undefined,
      ackMaxPerSenderPerHour: undefined,
      reservedConcurrency: undefined,
    });
    expect([config.rawRetentionDays, config.ackMaxPerSenderPerHour, config.reservedConcurrency]).toEqual([400, 5, 5]);
  });

  it('names a missing required key', () => {
    expect(configError({ domain: undefined })).toMatch(/- domain: missing; it is required/);
  });

  it('names every offending key at once', () => {
    const message = configError({ domain: 'not a domain', rawRetentionDays: 0, alarmEmail: 'ops' });
    expect(message).toMatch(/- domain:/);
    expect(message).toMatch(/- rawRetentionDays:/);
    expect(message).toMatch(/- alarmEmail:/);
  });

  it('rejects a recipient outside the domain whose MX record points to SES', () => {
    expect(configError({ recipients: ['reports@example.org', 'reports@elsewhere.net'] })).toMatch(
      /- recipients\[1\]: reports@elsewhere\.net is not at example\.org/,
    );
  });

  it('accepts an acknowledgment sender on a subdomain but not on another domain', () => {
    expect(parseDeploymentConfig({ ...cdkJsonContext, ackFrom: 'noreply@mail.example.org' }).ackFrom).toBe('noreply@mail.example.org');
    expect(configError({ ackFrom: 'reports@example.com' })).toMatch(/- ackFrom: reports@example\.com is not at example\.org/);
  });

  it('rejects a call id with no bundled call profile, listing the known ones', () => {
    expect(configError({ callId: 'wsis-2031' })).toMatch(/- callId: .*Unknown call "wsis-2031"\. Known calls: wsis-2025/);
  });

  it('rejects a malformed hosted zone id, account or region', () => {
    const message = configError({ hostedZoneId: 'example.org', account: '1234', region: 'Europe' });
    expect(message).toMatch(/- hostedZoneId: a Route 53 hosted zone id/);
    expect(message).toMatch(/- account: a 12-digit AWS account id/);
    expect(message).toMatch(/- region: an AWS region/);
  });

  it('refuses a reserved concurrency of 0, which would disable the intake function', () => {
    expect(configError({ reservedConcurrency: 0 })).toMatch(/- reservedConcurrency:/);
  });

  it('targets the account and region of the AWS profile, unless the context names them', () => {
    const profile = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' };
    const context = { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] };
    expect(buildApp(context, profile).intake).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
    expect(buildApp({ ...context, region: 'us-east-1' }, profile).storage).toMatchObject({ account: '123456789012', region: 'us-east-1' });
  });

  it('stops building on an invalid context', () => {
    expect(() => buildApp({ ...cdkJsonContext, domain: undefined }, {})).toThrow(DeploymentConfigError);
  });
});
