import { z } from 'zod';

/**
 * Settings of the Lambda functions, read once from the environment at cold start. A missing or
 * malformed variable stops the function with its name, not deep inside a request.
 *
 * Service endpoints are not settings here: the JS SDK v3 reads `AWS_ENDPOINT_URL_<SERVICE>` itself
 * (`AWS_ENDPOINT_URL_S3`, `_DYNAMODB`, `_SES`, `_SQS`; then `AWS_ENDPOINT_URL`), for every client
 * built without an explicit `endpoint` and unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is set.
 * Checked in @smithy/core 3.41 (`getEndpointUrlConfig` in dist-cjs/submodules/endpoints), which
 * client-s3/-dynamodb/-ses 3.1169+ use; the integration tests run the handlers on exactly that.
 */
const addressList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== ''))
  .pipe(z.array(z.email()).min(1, 'at least one address'));

/** Acknowledgments per sender and hour when the deployment does not say, so two autoresponders cannot loop. */
export const DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR = 5;

const intakeSchema = z.object({
  CALL_ID: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a call id: lower-case letters, digits and dashes'),
  RECIPIENTS: addressList,
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  RAW_PREFIX: z.string().regex(/^(?:[^/]+\/)+$/, 'a key prefix ending with "/", e.g. raw/wsis-2025/'),
  ACK_FROM: z.email().transform((value) => value.toLowerCase()),
  ACK_MAX_PER_SENDER_PER_HOUR: z.coerce.number().int().positive().default(DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR),
});

const redriveSchema = intakeSchema.extend({
  FAILURE_QUEUE_URL: z.url(),
});

export interface IntakeConfig {
  readonly callId: string;
  /** Intake addresses, lower-cased. */
  readonly recipients: readonly string[];
  readonly tableName: string;
  readonly bucketName: string;
  /** Where SES stores raw messages: `<rawPrefix><SES message id>`. */
  readonly rawPrefix: string;
  readonly ackFrom: string;
  readonly ackMaxPerSenderPerHour: number;
}

export interface RedriveConfig extends IntakeConfig {
  readonly failureQueueUrl: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Settings of the intake and reconcile functions. */
export function loadIntakeConfig(env: Env = process.env): IntakeConfig {
  return toIntakeConfig(parse(intakeSchema, env));
}

/** Settings of the redrive function: the intake settings plus the failure queue. */
export function loadRedriveConfig(env: Env = process.env): RedriveConfig {
  const parsed = parse(redriveSchema, env);
  return { ...toIntakeConfig(parsed), failureQueueUrl: parsed.FAILURE_QUEUE_URL };
}

function toIntakeConfig(parsed: z.output<typeof intakeSchema>): IntakeConfig {
  return {
    callId: parsed.CALL_ID,
    recipients: parsed.RECIPIENTS,
    tableName: parsed.TABLE_NAME,
    bucketName: parsed.BUCKET_NAME,
    rawPrefix: parsed.RAW_PREFIX,
    ackFrom: parsed.ACK_FROM,
    ackMaxPerSenderPerHour: parsed.ACK_MAX_PER_SENDER_PER_HOUR,
  };
}

/** The environment that `loadIntakeConfig` reads back as `config`: what a deployment gives the functions. */
export function intakeEnvironment(config: IntakeConfig): Record<string, string> {
  return {
    CALL_ID: config.callId,
    RECIPIENTS: config.recipients.join(','),
    TABLE_NAME: config.tableName,
    BUCKET_NAME: config.bucketName,
    RAW_PREFIX: config.rawPrefix,
    ACK_FROM: config.ackFrom,
    ACK_MAX_PER_SENDER_PER_HOUR: String(config.ackMaxPerSenderPerHour),
  };
}

function parse<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(environment)');
    return env[key] === undefined ? `${key} is missing` : `${key} is invalid (${issue.message})`;
  });
  throw new ConfigError(`Environment is incomplete: ${[...new Set(problems)].join('; ')}`, { cause: result.error });
}
