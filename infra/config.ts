import { z } from 'zod';
import { CallProfileError, loadCallProfile } from '#core/call-profile.ts';
import { DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR } from '../functions/config.ts';

/**
 * The deployment settings, as CDK context (cdk.json `context`, or `-c key=value`) supplies them.
 * `-c` values arrive as strings, so numbers are coerced and lists may be comma-separated.
 */
const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name such as example.org');

const address = z.string().trim().toLowerCase().pipe(z.email('an email address such as reports@example.org'));

const commaSeparated = (value: unknown): unknown =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : value;

const positiveInteger = z.coerce.number().int().positive();

const domainOf = (emailAddress: string): string => emailAddress.slice(emailAddress.lastIndexOf('@') + 1);

const deploymentConfigSchema = z
  .object({
    /** The domain that receives the reports and sends the acknowledgments (its SES identity). */
    domain: hostname,
    /** Intake addresses the receipt rule accepts, each at `domain` (its MX record is the one created). */
    recipients: z.preprocess(commaSeparated, z.array(address).min(1, 'at least one address')),
    /** The call for reports, one of the profiles bundled in functions/core/calls/. */
    callId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    /** The acknowledgments' From address, at `domain` or one of its subdomains. */
    ackFrom: address,
    /** Acknowledgments per sender and hour, so two autoresponders cannot loop. */
    ackMaxPerSenderPerHour: positiveInteger.default(DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR),
    /** Days a raw message is kept in S3 (the records in DynamoDB stay). */
    rawRetentionDays: positiveInteger.max(36_500).default(400),
    /** Public Route 53 zone holding the domain's records; without it the DNS records are created by hand. */
    hostedZoneId: z
      .string()
      .trim()
      .regex(/^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')
      .optional(),
    /** Address subscribed to the alarm topic (confirms by email). */
    alarmEmail: address.optional(),
    /**
     * Reserved concurrency of the intake function (the reconciler and redrive get 1 each), or "none":
     * new accounts with a concurrency quota of 10 cannot reserve any.
     */
    reservedConcurrency: z.union([z.literal('none'), positiveInteger.max(1000)]).default(5),
    /** Target account and region; unset means an environment-agnostic template. */
    account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1').optional(),
  })
  .superRefine((config, ctx) => {
    config.recipients.forEach((recipient, index) => {
      if (domainOf(recipient) !== config.domain) {
        ctx.addIssue({
          code: 'custom',
          path: ['recipients', index],
          message: `${recipient} is not at ${config.domain}, the domain whose MX record points to SES`,
        });
      }
    });
    const ackDomain = domainOf(config.ackFrom);
    if (ackDomain !== config.domain && !ackDomain.endsWith(`.${config.domain}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ackFrom'],
        message: `${config.ackFrom} is not at ${config.domain} (or a subdomain), the verified SES identity`,
      });
    }
    try {
      loadCallProfile(config.callId);
    } catch (error) {
      if (!(error instanceof CallProfileError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['callId'], message: error.message });
    }
  });

export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;

/** The context keys this app reads; anything else in the context (feature flags) is CDK's own. */
export const CONFIG_KEYS = Object.keys(deploymentConfigSchema.shape) as readonly (keyof DeploymentConfig)[];

export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
}

/** Validates the raw settings, naming every offending key. */
export function parseDeploymentConfig(raw: Readonly<Record<string, unknown>>): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(raw);
  if (!result.success) {
    const details = result.error.issues
      .map((issue) => {
        const missing = issue.code === 'invalid_type' && issue.path.length === 1 && raw[String(issue.path[0])] === undefined;
        return `  - ${formatPath(issue.path)}: ${missing ? 'missing; it is required' : issue.message}`;
      })
      .join('\n');
    throw new DeploymentConfigError(
      `Invalid deployment configuration (cdk.json "context" or -c key=value):\n${details}`,
      { cause: result.error },
    );
  }
  return result.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`)).join('') || '(root)';
}

/** Where the SES S3 action stores the call's raw messages. */
export const rawPrefixOf = (callId: string): string => `raw/${callId}/`;
