import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { main } from "../../infra/program";
import { planExitCode, runPlan } from "../../tools/lib/planRun";
import { renderPlanText } from "../../tools/lib/planText";

/**
 * `npm run plan` fails on a resource AWS would refuse that no config check can see: the prod program plus
 * a read replica of its primary that names a KMS key (RDS refuses a replica of an instance whose master
 * password it manages, and a same-region replica must not set KmsKeyId). The plan names each rule, the
 * resource and the source, and exits 1.
 */
describe("the offline plan and the preflight", () => {
  it("fails a plan whose resources AWS would refuse, naming the rule, the resource and the source", async () => {
    const plan = await runPlan({
      stack: "prod",
      commit: null,
      program: () => {
        const outputs = main();
        new aws.rds.Instance("rogue-replica", {
          identifier: "verscienta-prod-db-replica-1",
          replicateSourceDb: "verscienta-prod-db",
          instanceClass: "db.r6g.large",
          kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/mrk-other",
          storageEncrypted: true,
        });
        return outputs;
      },
    });
    const found = plan.preflight.violations.map((v) => [v.rule, v.severity, v.resourceType, v.resourceName]);
    expect(found).toContainEqual([
      "rds.replica.managedMasterPassword",
      "error",
      "aws:rds/instance:Instance",
      "rogue-replica",
    ]);
    expect(found).toContainEqual([
      "rds.replica.sameRegionKmsKey",
      "error",
      "aws:rds/instance:Instance",
      "rogue-replica",
    ]);
    expect(planExitCode(plan)).toBe(1);

    const text = renderPlanText(plan);
    expect(text).toContain("rds.replica.sameRegionKmsKey on aws:rds/instance:Instance rogue-replica");
    expect(text).toContain(
      "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html",
    );
  });

  it("passes both default stacks with exit 0", async () => {
    for (const stack of ["dev", "prod"]) {
      const plan = await runPlan({ stack, commit: null });
      expect(plan.preflight.errors, stack).toBe(0);
      expect(planExitCode(plan), stack).toBe(0);
    }
  });
});
