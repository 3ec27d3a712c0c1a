import { readFileSync } from 'node:fs';
import { App, CfnElement, Stack, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { addReportIntake, type ReportIntakeStacks } from '../../infra/report-intake.ts';

/** The context of cdk.json: the example configuration and the CDK feature flags a real synth uses. */
export const cdkJsonContext: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface SynthesizedDeployment extends ReportIntakeStacks {
  readonly app: App;
  readonly storageTemplate: Template;
  readonly intakeTemplate: Template;
  /** cdk-nag AwsSolutions findings left after the acknowledgments. */
  readonly nagReport: PolicyValidationPluginReport;
}

/**
 * Builds the deployment as `cdk synth` does, from cdk.json's context with `overrides`.
 * Synthesising bundles the three functions with esbuild (seconds), so call it once per file.
 * `bundle: false` skips bundling for tests that do not look at the code.
 */
export function synthesizeDeployment(options: { overrides?: Record<string, unknown>; bundle?: boolean } = {}): SynthesizedDeployment {
  const app = new App({
    context: {
      ...cdkJsonContext,
      ...options.overrides,
      // CDK bundles assets only for the stacks listed here ('**' = all, as for `cdk synth`).
      'aws:cdk:bundling-stacks': options.bundle === false ? [] : ['**'],
    },
  });
  const config = parseDeploymentConfig({ ...cdkJsonContext, ...options.overrides });
  const stacks = addReportIntake(app, config);
  const storageTemplate = Template.fromStack(stacks.storage);
  const intakeTemplate = Template.fromStack(stacks.intake);
  // After synthesis, as `cdk synth` runs it: cross-stack references are resolved to imports by then.
  const nagReport = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return { app, ...stacks, storageTemplate, intakeTemplate, nagReport };
}

/** The CloudFormation logical id of a construct's resource (its default child when it is an L2). */
export function logicalIdOf(construct: IConstruct): string {
  const resource = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

interface PolicyStatementJson {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
  readonly Sid?: string;
}

/** The statements of every AWS::IAM::Policy attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleLogicalId }] } });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: PolicyStatementJson[] } } }).Properties.PolicyDocument.Statement,
  );
}

/** The actions of a statement, as a list. */
export const actionsOf = (statement: PolicyStatementJson): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** A CloudFormation value as text: joins concatenated, `{ Ref: X }` as `<X>`, `Fn::GetAtt` as `<X.Attribute>`. */
export function renderCfn(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if (Array.isArray(intrinsic['Fn::Join'])) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(renderCfn).join(separator);
  }
  if (typeof intrinsic.Ref === 'string') return `<${intrinsic.Ref}>`;
  if (Array.isArray(intrinsic['Fn::GetAtt'])) return `<${(intrinsic['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}
