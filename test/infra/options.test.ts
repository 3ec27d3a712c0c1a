import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INTAKE_OUTPUTS } from '../../infra/outputs.ts';
import { synthesizeDeployment, type SynthesizedDeployment } from './deployment.ts';

// The optional settings, all at once: a hosted zone, an alarm address, an explicit environment,
// no reserved concurrency.
let deployment: SynthesizedDeployment;
let template: Template;

beforeAll(() => {
  deployment = synthesizeDeployment({
    bundle: false,
    overrides: {
      domain: 'reports.example.org',
      recipients: 'wsis@reports.example.org,late@reports.example.org',
      ackFrom: 'wsis@reports.example.org',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      alarmEmail: 'ops@example.org',
      account: '123456789012',
      region: 'eu-west-1',
      reservedConcurrency: 'none',
    },
  });
  template = deployment.intakeTemplate;
});

describe('with a hosted zone', () => {
  it('points the domain\'s MX record at the region\'s SES inbound endpoint', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      Name: 'reports.example.org.',
      Type: 'MX',
      ResourceRecords: ['10 inbound-smtp.eu-west-1.amazonaws.com'],
    });
  });

  it('creates the three DKIM CNAME records that verify the domain', () => {
    const cnames = template.findResources('AWS::Route53::RecordSet', { Properties: { Type: 'CNAME', HostedZoneId: 'Z0123456789ABCDEFGHIJ' } });
    expect(Object.values(cnames).map((record) => JSON.stringify(record))).toEqual([1, 2, 3].map((n) => expect.stringContaining(`DkimDNSTokenName${n}`)));
  });

  it('creates the MAIL FROM MX and SPF records', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'mail.reports.example.org.',
      Type: 'MX',
      ResourceRecords: ['10 feedback-smtp.eu-west-1.amazonses.com'],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'mail.reports.example.org.',
      Type: 'TXT',
      ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
    });
    template.resourceCountIs('AWS::Route53::RecordSet', 6);
  });

  it('no longer lists DNS records to create by hand', () => {
    expect(template.toJSON().Outputs[INTAKE_OUTPUTS.dnsRecords]).toBeUndefined();
  });
});

describe('other options', () => {
  it('accepts every recipient in the receipt rule and tells the functions about them', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: { Recipients: ['wsis@reports.example.org', 'late@reports.example.org'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RECIPIENTS: 'wsis@reports.example.org,late@reports.example.org' }) },
    });
  });

  it('limits sending to the configured acknowledgment address', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ses:SendRawEmail', Condition: { StringEquals: { 'ses:FromAddress': 'wsis@reports.example.org' } } }),
        ]),
      },
    });
  });

  it('subscribes the alarm address to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('reserves no concurrency when told "none"', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect((fn as { Properties: Record<string, unknown> }).Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('targets the configured account and region', () => {
    expect([deployment.intake.account, deployment.intake.region]).toEqual(['123456789012', 'eu-west-1']);
    expect([deployment.storage.account, deployment.storage.region]).toEqual(['123456789012', 'eu-west-1']);
  });

  it('leaves cdk-nag nothing to report', () => {
    expect(deployment.nagReport.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
