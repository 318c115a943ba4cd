/** Small readers over planned resources; every rule module uses them. */
import type { PlannedResource } from "../types";

export const T = {
  instance: "aws:rds/instance:Instance",
  parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  proxy: "aws:rds/proxy:Proxy",
  proxyTargetGroup: "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
  eventSubscription: "aws:rds/eventSubscription:EventSubscription",
  automatedBackupsReplication:
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  pgRole: "postgresql:index/role:Role",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  kmsKey: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  vault: "aws:backup/vault:Vault",
  vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  vaultNotifications: "aws:backup/vaultNotifications:VaultNotifications",
  backupPlan: "aws:backup/plan:Plan",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  ecsService: "aws:ecs/service:Service",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  natGateway: "aws:ec2/natGateway:NatGateway",
  secretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
} as const;

export const ofType = (rs: readonly PlannedResource[], type: string): PlannedResource[] =>
  rs.filter((r) => r.type === type);

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Region in an ARN (`arn:aws:kms:us-west-2:...`), if the value is one. */
export const arnRegion = (arn: unknown): string | undefined =>
  typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined;

export const regionOf = (r: PlannedResource, ctx: { region: string }): string => r.region ?? ctx.region;

/** A resource's IAM/KMS policy document, parsed (inputs carry it as a JSON string). */
export function policyStatements(policy: unknown): Record<string, unknown>[] {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  const st = obj(doc).Statement;
  return (Array.isArray(st) ? st : st ? [st] : []).map(obj);
}

const asList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");

/** Service principals an Allow statement names. */
export const servicePrincipals = (s: Record<string, unknown>): string[] =>
  s.Effect === "Allow" ? asList(obj(s.Principal).Service) : [];

export const actions = (s: Record<string, unknown>): string[] => asList(s.Action);

/** True when `granted` (an IAM action, possibly with `*`) covers `wanted`. */
export function actionCovers(granted: string, wanted: string): boolean {
  const re = new RegExp(`^${granted.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
  return re.test(wanted);
}

/** A key (by ARN or key id) among the planned KMS keys. */
export function findKey(rs: readonly PlannedResource[], ref: unknown): PlannedResource | undefined {
  if (typeof ref !== "string") return undefined;
  return ofType(rs, T.kmsKey).find(
    (k) => k.state?.arn === ref || (k.state?.keyId !== undefined && k.state.keyId === ref),
  );
}
