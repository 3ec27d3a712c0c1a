import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface ActiveReceiptRuleSetProps {
  /** The receipt rule set to make the active one of this account and region. */
  readonly ruleSetName: string;
}

/**
 * Makes a receipt rule set the active one: a new set receives nothing until `SetActiveReceiptRuleSet`
 * names it, and CloudFormation has no resource for that. On delete the call is made with no name,
 * which deactivates receiving in the region (a rule set cannot be deleted while active).
 *
 * The physical id is fixed, so renaming the set is an update (activate the new set) rather than a
 * replacement, whose delete step would deactivate the set just activated. For the same reason keep
 * this construct's id stable.
 *
 * @see https://docs.aws.amazon.com/ses/latest/APIReference/API_SetActiveReceiptRuleSet.html
 */
export class ActiveReceiptRuleSet extends Construct {
  constructor(scope: Construct, id: string, props: ActiveReceiptRuleSetProps) {
    super(scope, id);
    if (props.ruleSetName.trim() === '') throw new Error('ActiveReceiptRuleSet: ruleSetName must not be empty');

    // The provider function's own role and log group, instead of the AWSLambdaBasicExecutionRole
    // managed policy, which may write to every log group.
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Activates the SES receipt rule set at deploy time',
    });
    logGroup.grantWrite(role);

    const activate: cr.AwsSdkCall = {
      service: 'SES',
      action: 'SetActiveReceiptRuleSet',
      parameters: { RuleSetName: props.ruleSetName },
      physicalResourceId: cr.PhysicalResourceId.of('ses-active-receipt-rule-set'),
    };
    const resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: activate,
      onUpdate: activate,
      onDelete: { service: 'SES', action: 'SetActiveReceiptRuleSet', parameters: {} },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      role,
      logGroup,
      // The SDK in the Lambda runtime has this call; installing a newer one would need network at deploy time.
      installLatestAwsSdk: false,
    });
    acknowledge(
      resource,
      'AwsSolutions-IAM5[Resource::*]',
      'ses:SetActiveReceiptRuleSet supports no resource-level permissions, so its resource must be "*".',
    );
  }
}
