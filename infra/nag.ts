import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on a construct and everything under it. cdk-nag 3 matches
 * acknowledgments by exact id, e.g. `AwsSolutions-IAM5[Resource::arn:...:identity/*]`, so each
 * acknowledgment names exactly the finding it excuses.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The id cdk-nag gives a wildcard resource in an IAM policy: `Resource::` and the ARN flattened the
 * way cdk-nag flattens it (`{ Ref: X }` → `<X>`, joins concatenated, imports by export name, and
 * `${…}` in literals as `<…>`). Exact for values that resolve within `scope`'s stack (pseudo
 * parameters, literals, explicit imports).
 */
export function wildcardResourceFinding(rule: string, scope: IConstruct, arn: string): string {
  const literal = (text: string) => text.replace(/\$\{/g, '<').replace(/\}/g, '>');
  return `${rule}[Resource::${renderCfn(Stack.of(scope).resolve(arn), literal)}]`;
}

/**
 * A resolved CloudFormation value as text: joins concatenated, `{ Ref: X }` as `<X>`, `Fn::GetAtt`
 * as `<X.Attribute>`, an import as its export name; literal strings through `literal`.
 */
export function renderCfn(node: unknown, literal: (text: string) => string = (text) => text): string {
  const render = (value: unknown): string => renderCfn(value, literal);
  if (typeof node === 'string') return literal(node);
  if (typeof node === 'object' && node !== null) {
    const intrinsic = node as Record<string, unknown>;
    if (Array.isArray(intrinsic['Fn::Join'])) {
      const [delimiter, items] = intrinsic['Fn::Join'] as [string, unknown[]];
      return items.map(render).join(delimiter);
    }
    if ('Fn::ImportValue' in intrinsic) return render(intrinsic['Fn::ImportValue']);
    if ('Ref' in intrinsic) return `<${render(intrinsic.Ref)}>`;
    if (Array.isArray(intrinsic['Fn::GetAtt'])) {
      const [resource, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
      return `<${render(resource)}.${render(attribute)}>`;
    }
  }
  return JSON.stringify(node);
}
