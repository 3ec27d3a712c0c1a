import { readFileSync } from 'node:fs';
import { CfnElement, Stack, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp, type ReportIntakeApp } from '../../infra/report-intake.ts';

/** The context of cdk.json: the example configuration and the CDK feature flags a real synth uses. */
export const cdkJsonContext: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface SynthesizedDeployment extends ReportIntakeApp {
  readonly storageTemplate: Template;
  readonly intakeTemplate: Template;
  /** cdk-nag AwsSolutions findings left after the acknowledgments. */
  readonly nagReport: PolicyValidationPluginReport;
}

/**
 * Builds the deployment as `cdk synth` does (infra/app.ts's buildApp), from cdk.json's context with
 * `overrides`, and no CDK_DEFAULT_ACCOUNT or _REGION. Synthesising bundles the three functions with
 * esbuild (seconds), so call it once per file. `bundle: false` skips bundling for tests that do not
 * look at the code.
 */
export function synthesizeDeployment(options: { overrides?: Record<string, unknown>; bundle?: boolean } = {}): SynthesizedDeployment {
  const built = buildApp(
    {
      ...cdkJsonContext,
      ...options.overrides,
      // CDK bundles assets only for the stacks listed here ('**' = all, as for `cdk synth`).
      'aws:cdk:bundling-stacks': options.bundle === false ? [] : ['**'],
    },
    {},
  );
  const storageTemplate = Template.fromStack(built.storage);
  const intakeTemplate = Template.fromStack(built.intake);
  // After synthesis, as `cdk synth` runs it: cross-stack references are resolved to imports by then.
  const nagReport = built.nag.validateScope(built.app);
  return { ...built, storageTemplate, intakeTemplate, nagReport };
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

