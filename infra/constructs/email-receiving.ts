import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import { Construct, type IConstruct } from 'constructs';
import { ActiveReceiptRuleSet } from './active-receipt-rule-set.ts';

export interface EmailReceivingProps {
  /** The domain that receives the mail and is verified for sending (Easy DKIM). */
  readonly domain: string;
  /** Addresses the receipt rule accepts, each at `domain`. */
  readonly recipients: readonly string[];
  /** Where SES stores each raw message, before the function runs. Must not be imported: its policy is extended. */
  readonly bucket: s3.IBucket;
  /** Key prefix of the raw messages, ending with `/` (the key is the prefix plus the SES message id). */
  readonly objectKeyPrefix: string;
  /** Invoked (`Event`) once the raw message is stored. */
  readonly function: lambda.IFunction;
  /**
   * Public hosted zone in which to create the MX, DKIM and MAIL FROM records. Its `zoneName` must be
   * `domain`; a parent zone also works when referenced with `zoneName: domain`, as record names are absolute.
   * @default - no records; `dnsRecords` lists what to create by hand
   */
  readonly hostedZone?: route53.IPublicHostedZone;
  /**
   * Custom MAIL FROM domain, so bounces and SPF align with `domain` (needed for DMARC).
   * @default `mail.${domain}`
   */
  readonly mailFromDomain?: string;
  /**
   * Name of the receipt rule set. An account has one active set per region: activating this one
   * deactivates any other.
   * @default 'report-intake'
   */
  readonly ruleSetName?: string;
  /**
   * Name of the receipt rule.
   * @default 'intake'
   */
  readonly ruleName?: string;
}

/** A DNS record the domain needs for receiving and sending through SES. */
export interface DnsRecord {
  readonly name: string;
  readonly type: 'MX' | 'CNAME' | 'TXT';
  readonly value: string;
}

/**
 * SES email receiving for a domain: its identity (Easy DKIM, custom MAIL FROM), an active receipt
 * rule set with one rule (TLS required, spam and virus scanning) whose actions run in order: store
 * the raw message in S3, then invoke the function asynchronously. Both SES permissions are bound to
 * this rule by `aws:SourceArn` as well as `aws:SourceAccount`.
 *
 * @see https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html
 */
export class EmailReceiving extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  /** The records the domain needs; created in `hostedZone` when one is given. */
  readonly dnsRecords: readonly DnsRecord[];

  constructor(scope: Construct, id: string, props: EmailReceivingProps) {
    super(scope, id);
    const ruleSetName = props.ruleSetName ?? 'report-intake';
    const ruleName = props.ruleName ?? 'intake';
    const mailFromDomain = props.mailFromDomain ?? `mail.${props.domain}`;
    validate(props, { ruleSetName, ruleName, mailFromDomain });

    const stack = Stack.of(this);
    // ARN of the receipt rule, built from its names (no reference to the rule, hence no cycle).
    const receiptRuleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: props.hostedZone ? ses.Identity.publicHostedZone(props.hostedZone) : ses.Identity.domain(props.domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain,
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });

    // https://docs.aws.amazon.com/ses/latest/dg/receiving-email-mx-record.html
    const inboundSmtp = `inbound-smtp.${stack.region}.amazonaws.com`;
    this.dnsRecords = [
      { name: props.domain, type: 'MX', value: `10 ${inboundSmtp}` },
      ...this.identity.dkimRecords.map((record): DnsRecord => ({ name: record.name, type: 'CNAME', value: record.value })),
      // What EmailIdentity creates for the MAIL FROM domain when it has a hosted zone.
      { name: mailFromDomain, type: 'MX', value: `10 feedback-smtp.${stack.region}.amazonses.com` },
      { name: mailFromDomain, type: 'TXT', value: '"v=spf1 include:amazonses.com ~all"' },
    ];
    if (props.hostedZone) {
      // EmailIdentity creates the DKIM and MAIL FROM records; receiving needs the MX of the domain itself.
      new route53.MxRecord(this, 'InboundMx', {
        zone: props.hostedZone,
        recordName: `${props.domain}.`,
        values: [{ priority: 10, hostName: inboundSmtp }],
      });
    }

    // aws-ses-actions' Lambda action reuses a permission with the id 'AllowSes' when the function has
    // one, so the rule gets this narrower grant (with the rule's ARN) and waits for it.
    props.function.addPermission('AllowSes', {
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: receiptRuleArn,
    });

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName });
    this.rule = new ses.ReceiptRule(this, 'Rule', {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      recipients: [...props.recipients],
      enabled: true,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      // Order matters: a Lambda action receives the headers only, so the message is stored first.
      actions: [
        new RawMailToBucket({ bucket: props.bucket, objectKeyPrefix: props.objectKeyPrefix, receiptRuleArn }),
        new actions.Lambda({ function: props.function, invocationType: actions.LambdaInvocationType.EVENT }),
      ],
    });

    const activation = new ActiveReceiptRuleSet(this, 'Activation', { ruleSetName: this.ruleSet.receiptRuleSetName });
    // Mail flows only once the rule and its permissions are in place.
    activation.node.addDependency(this.rule);
  }
}

interface RawMailToBucketProps {
  readonly bucket: s3.IBucket;
  readonly objectKeyPrefix: string;
  readonly receiptRuleArn: string;
}

/**
 * The SES S3 action, with the bucket policy bound to one rule. aws-ses-actions' S3 action conditions on
 * `aws:SourceAccount` only: CDK reverted adding `aws:SourceArn` because it referenced the rule, which
 * itself depends on the policy (a cycle). Here the rule's ARN is built from names, so there is no reference.
 */
class RawMailToBucket implements ses.IReceiptRuleAction {
  constructor(private readonly props: RawMailToBucketProps) {}

  bind(rule: IConstruct): ses.ReceiptRuleActionConfig {
    const { bucket, objectKeyPrefix, receiptRuleArn } = this.props;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRulePuts',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${objectKeyPrefix}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(rule).account, 'aws:SourceArn': receiptRuleArn } },
      }),
    );
    if (!bucket.policy) throw new Error('EmailReceiving: the bucket must be owned by this app (an imported bucket keeps its own policy)');
    // SES checks that it may write when the rule is created.
    rule.node.addDependency(bucket.policy);
    return { s3Action: { bucketName: bucket.bucketName, objectKeyPrefix } };
  }
}

function validate(props: EmailReceivingProps, names: { ruleSetName: string; ruleName: string; mailFromDomain: string }): void {
  const sesName = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
  if (!sesName.test(names.ruleSetName)) throw new Error(`EmailReceiving: invalid rule set name "${names.ruleSetName}"`);
  if (!sesName.test(names.ruleName)) throw new Error(`EmailReceiving: invalid rule name "${names.ruleName}"`);
  if (props.recipients.length === 0) throw new Error('EmailReceiving: at least one recipient is required');
  for (const recipient of props.recipients) {
    if (!recipient.toLowerCase().endsWith(`@${props.domain.toLowerCase()}`)) {
      throw new Error(`EmailReceiving: recipient ${recipient} is not at ${props.domain}`);
    }
  }
  if (!names.mailFromDomain.endsWith(`.${props.domain}`)) {
    throw new Error(`EmailReceiving: the MAIL FROM domain ${names.mailFromDomain} must be a subdomain of ${props.domain}`);
  }
  if (!/^[^/].*\/$/.test(props.objectKeyPrefix)) {
    throw new Error(`EmailReceiving: objectKeyPrefix "${props.objectKeyPrefix}" must end with "/" and not start with it`);
  }
  const zoneName = props.hostedZone?.zoneName;
  if (zoneName !== undefined && !Token.isUnresolved(zoneName) && zoneName.replace(/\.$/, '') !== props.domain) {
    throw new Error(`EmailReceiving: the hosted zone is ${zoneName}, not ${props.domain}`);
  }
}
