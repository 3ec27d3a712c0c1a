import { App, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { synthesizeDeployment, type SynthesizedDeployment } from './deployment.ts';

let deployment: SynthesizedDeployment;
/** The same deployment built with every acknowledgment ignored: what cdk-nag finds on its own. */
let unacknowledged: SynthesizedDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment({ bundle: false });
  const ignore = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
  try {
    // buildApp's checks would fail this synthesis: report instead, the findings are what is looked at.
    unacknowledged = synthesizeDeployment({ bundle: false, overrides: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  } finally {
    ignore.mockRestore();
  }
});

interface Acknowledgment {
  readonly path: string;
  readonly construct: IConstruct;
  readonly id: string;
  readonly reason: string;
}

/** Every cdk-nag acknowledgment recorded in the app, with the construct it is attached to. */
function acknowledgments(app: App): Acknowledgment[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          construct,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing left unacknowledged, error or warning', () => {
    const findings = deployment.nagReport.violations.map(
      (violation) => `${violation.ruleName} at ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('have no acknowledgment that excuses nothing, and no finding excused elsewhere than where it occurs', () => {
    const findings = unacknowledged.nagReport.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({ id: violation.ruleName, path: resource.constructPath ?? '' })),
    );
    const all = acknowledgments(deployment.app);
    for (const { id, path } of all) {
      expect(findings.filter((finding) => finding.id === id && finding.path.startsWith(`${path}/`)), `${id} at ${path}`).not.toEqual([]);
    }
    for (const { id, path } of findings) {
      expect(all.filter((ack) => ack.id === id && path.startsWith(`${ack.path}/`)), `${id} at ${path}`).not.toEqual([]);
    }
  });

  it('are acknowledged on the resources concerned, never on a whole stack', () => {
    const all = acknowledgments(deployment.app);
    expect(all.length).toBeGreaterThan(0);
    for (const { construct, path } of all) {
      expect(Stack.isStack(construct) || construct === deployment.app, path).toBe(false);
    }
  });

  it('name the exact wildcard they excuse, each with its reason', () => {
    for (const { id, reason, path } of acknowledgments(deployment.app)) {
      expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      if (id.startsWith('AwsSolutions-IAM5')) expect(id, path).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
      expect(reason.length, `${path} ${id}`).toBeGreaterThan(40);
    }
  });
});
