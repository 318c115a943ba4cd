import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUN_AS_USER,
  DEFAULT_SERVER_TLS_CA_FILE,
  type PgBouncerServiceArgs,
  resolvePgBouncerServiceArgs,
  validatePgBouncerServiceArgs,
} from "../../../components/pooling/pgbouncerService";
import type { PgBouncerPoolSettings } from "../../../components/pooling/poolSettings";

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${"a".repeat(64)}`;
const base: PgBouncerServiceArgs = {
  image: IMAGE,
  vpcId: "vpc-1",
  subnetIds: ["subnet-1", "subnet-2"],
  dbSecurityGroupId: "sg-db",
  endpointCidrs: ["10.0.0.0/16"],
  dbHost: "db.example",
  databaseName: "app",
  loginSecrets: [{ roleName: "app", secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app" }],
  // Neither function reads the pool settings (the task definition does): a stand-in is enough.
  pool: {} as PgBouncerPoolSettings,
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  logRetentionDays: 2192,
  region: "us-east-1",
  accountId: "123456789012",
};

describe("resolvePgBouncerServiceArgs", () => {
  it("applies every documented default once: 2 tasks, 512 CPU, 1024 MiB, a non-root user, no client allowed", () => {
    const r = resolvePgBouncerServiceArgs(base);
    expect({
      desiredCount: r.desiredCount,
      cpu: r.cpu,
      memoryMiB: r.memoryMiB,
      runAsUser: r.runAsUser,
      serverTlsCaFile: r.serverTlsCaFile,
      allowedSecurityGroupIds: r.allowedSecurityGroupIds,
      allowedCidrs: r.allowedCidrs,
      dbPort: r.dbPort,
      cpuArchitecture: r.cpuArchitecture,
      partition: r.partition,
      poolFitChecked: r.poolFitChecked,
      protect: r.protect,
    }).toEqual({
      desiredCount: 2,
      cpu: 512,
      memoryMiB: 1024,
      runAsUser: DEFAULT_RUN_AS_USER,
      serverTlsCaFile: DEFAULT_SERVER_TLS_CA_FILE,
      allowedSecurityGroupIds: [],
      allowedCidrs: [],
      dbPort: 5432,
      cpuArchitecture: "X86_64",
      partition: "aws",
      poolFitChecked: true,
      protect: false,
    });
    expect(DEFAULT_RUN_AS_USER).toBe("70:70");
  });

  it("keeps what the caller set", () => {
    const r = resolvePgBouncerServiceArgs({
      ...base,
      desiredCount: 3,
      cpu: 1024,
      memoryMiB: 2048,
      protect: true,
    });
    expect([r.desiredCount, r.cpu, r.memoryMiB, r.protect]).toEqual([3, 1024, 2048, true]);
  });
});

describe("validatePgBouncerServiceArgs", () => {
  it("accepts the resolved defaults", () => {
    expect(() => validatePgBouncerServiceArgs(resolvePgBouncerServiceArgs(base))).not.toThrow();
  });

  it("refuses a tag, root, a memory size Fargate lacks, no login role and 0.0.0.0/0, all at once", () => {
    const bad = resolvePgBouncerServiceArgs({
      ...base,
      image: "pgbouncer:latest",
      runAsUser: "0:0",
      memoryMiB: 8192,
      loginSecrets: [],
      allowedCidrs: ["0.0.0.0/0"],
    });
    expect(() => validatePgBouncerServiceArgs(bad)).toThrow(
      'PgBouncerService: image: "pgbouncer:latest" is not pinned by digest. Use "<registry>/<repo>@sha256:<64 hex>". ' +
        "memoryMiB: 8192 is not valid with cpu 512. Use 1024 to 4096 MiB. " +
        'runAsUser: "0:0" must be a non-root numeric uid[:gid]. Use the image\'s pgbouncer user, e.g. "70:70". ' +
        "loginSecrets: is empty; PgBouncer would admit nobody. Pass the app roles' secrets (password roles only). " +
        'allowedCidrs: "0.0.0.0/0" would admit every address. List private ranges or security groups.',
    );
  });

  it("refuses a CPU size Fargate does not offer and a desired count below 1", () => {
    expect(() =>
      validatePgBouncerServiceArgs(resolvePgBouncerServiceArgs({ ...base, cpu: 300, desiredCount: 0 })),
    ).toThrow(
      "PgBouncerService: desiredCount: 0 must be a whole number of at least 1. cpu: 300 is not a Fargate CPU size. Use 256, 512, 1024, 2048 or 4096.",
    );
  });
});
