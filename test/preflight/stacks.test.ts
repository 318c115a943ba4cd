import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { planPreflight } from "../../preflight/catalog";
import { ofType, runStack } from "../../testing/runProgram";

const EXAMPLES = path.join(__dirname, "../../examples");

async function preflightOf(stack: string, baseConfig?: Record<string, unknown>) {
  const run = await runStack({ stack, ...(baseConfig ? { baseConfig } : {}) });
  if (run.error) throw run.error;
  const env = run.config["verscienta-postgres:environment"];
  return { run, violations: planPreflight(run.registrations, { environment: env, region: "us-east-1" }) };
}

describe("the default stacks pass the whole preflight", () => {
  it("prod has no finding at all", async () => {
    const { violations } = await preflightOf("prod");
    expect(violations).toEqual([]);
  });

  it("dev has no error; its unsubscribed topics are warnings", async () => {
    const { violations } = await preflightOf("dev");
    expect(violations.filter((v) => v.severity === "error")).toEqual([]);
    expect(violations.map((v) => [v.rule, v.severity, v.resourceName])).toEqual([
      ["sns.notificationTopic.subscriber", "warning", "verscienta-dev-alarms"],
      ["sns.notificationTopic.subscriber", "warning", "verscienta-dev-dr-alarms"],
    ]);
  });
});

describe("the example variants plan under mocks and pass the preflight", () => {
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  it("covers the three variants", () => {
    expect(files).toEqual(["existing-vpc.yaml", "iam-auth.yaml", "pgbouncer.yaml"]);
  });

  const load = (f: string) =>
    (parseYaml(readFileSync(path.join(EXAMPLES, f), "utf8")) as { config: Record<string, unknown> }).config;

  it("existing VPC: no VPC is created and the database uses the given subnets", async () => {
    const { run, violations } = await preflightOf("ex-vpc", load("existing-vpc.yaml"));
    expect(violations.filter((v) => v.severity === "error")).toEqual([]);
    expect(ofType(run, "aws:ec2/vpc:Vpc")).toEqual([]);
    expect(ofType(run, "aws:rds/subnetGroup:SubnetGroup")[0].inputs.subnetIds).toEqual([
      "subnet-0123456789abcdef0",
      "subnet-0fedcba9876543210",
    ]);
    // The database operations function runs in the same subnets and reaches Secrets Manager through the
    // VPC's own endpoint, which the plan looked up in that VPC.
    const fn = ofType(run, "aws:lambda/function:Function")[0];
    expect((fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds).toEqual([
      "subnet-0123456789abcdef0",
      "subnet-0fedcba9876543210",
    ]);
    expect(
      run.cloud.calls.filter((c) => c.token === "aws:ec2/getVpcEndpoint:getVpcEndpoint").map((c) => c.inputs),
    ).toEqual([
      {
        vpcId: "vpc-0123456789abcdef0",
        serviceName: "com.amazonaws.us-east-1.secretsmanager",
        state: "available",
      },
    ]);
  });

  it("PgBouncer: Fargate in the isolated VPC with its ECR, S3 and logs endpoints", async () => {
    const { run, violations } = await preflightOf("ex-pgb", load("pgbouncer.yaml"));
    expect(violations).toEqual([]);
    expect(ofType(run, "aws:ecs/service:Service")).toHaveLength(1);
    const services = ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) =>
      String(e.inputs.serviceName).replace("com.amazonaws.us-east-1.", ""),
    );
    expect(services).toEqual(expect.arrayContaining(["ecr.api", "ecr.dkr", "logs", "s3"]));
  });

  it("IAM auth: the proxy is end-to-end IAM with no password secret", async () => {
    const { run, violations } = await preflightOf("ex-iam", load("iam-auth.yaml"));
    expect(violations).toEqual([]);
    const proxy = ofType(run, "aws:rds/proxy:Proxy")[0];
    expect([proxy.inputs.defaultAuthScheme, proxy.inputs.auths ?? []]).toEqual(["IAM_AUTH", []]);
  });
});
