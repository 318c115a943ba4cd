/**
 * A realistic stand-in for AWS under Pulumi mocks: it records every resource the program registers
 * (type, name, inputs, resource options) and answers with the values AWS would compute (ARNs,
 * endpoints, ids, instance memory). Used by the tests, the offline plan and the benchmarks.
 *
 * Nothing here is a cloud call: `pulumi.runtime.setMocks` routes every registration to this object.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { AccessModel } from "../components/postgres/accessModel";
import { accessStatements } from "../components/postgres/accessSql";
import type { ApplyEvent, ApplyResult } from "../functions/dbops/contract";
import { SYNC_PAYLOAD_BYTES, validScheduleExpression } from "../preflight/rules/lambda";
import { lookupInstanceClass } from "../spec/instanceProfile";

export const MOCK_ACCOUNT = "123456789012";

/** What one `registerResource` carried, as the engine would see it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  /** Inputs with secrets unwrapped (the engine sees them; secret-ness is in `secretPaths`). */
  readonly inputs: Record<string, unknown>;
  /** State returned by the mock (inputs plus computed values). */
  readonly state: Record<string, unknown>;
  /** Region of the provider that manages it. */
  readonly region: string;
  readonly provider?: string;
  readonly parent?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly dependencies: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly ignoreChanges: readonly string[];
  /** Top-level input names whose value was marked secret. */
  readonly secretInputs: readonly string[];
}

/**
 * What `aws.ec2.getInstanceType` reports for an EC2 type, answered from the same instance profiles the
 * program and the preflight use (spec/instanceProfile.ts), so every class the preflight accepts plans
 * offline. A type with no profile is refused the way DescribeInstanceTypes refuses an unknown type
 * ("InvalidInstanceType ... The following supplied instance types do not exist: [i8ge.xlarge]", quoted in
 * scylladb/scylla-cluster-tests#12419).
 */
export function mockInstanceType(instanceType: string): {
  memorySize: number;
  defaultVcpus: number;
  burstablePerformanceSupported: boolean;
} {
  const found = lookupInstanceClass(`db.${instanceType}`);
  if (found.kind !== "profile") {
    throw new Error(
      `InvalidInstanceType: The following supplied instance types do not exist: [${instanceType}] (mock: ${found.reason})`,
    );
  }
  const p = found.profile;
  return { memorySize: p.memoryMiB, defaultVcpus: p.vcpus, burstablePerformanceSupported: p.burstable };
}

/**
 * Existing VPCs (config `vpcId`) in the mock's world have a Secrets Manager interface endpoint with
 * private DNS, except this one, which has none (tests use it for the "not found" answer).
 */
export const MOCK_VPC_WITHOUT_SECRETS_ENDPOINT = "vpc-0000000000000dead";

/**
 * `aws.ec2.getVpcEndpoint`: DescribeVpcEndpoints filtered by VPC and service name. The provider's data
 * source fails when nothing matches, with "no matching EC2 VPC Endpoint found"
 * (terraform-provider-aws, data source aws_vpc_endpoint, `tfresource.SingularDataSourceFindError`).
 */
export function mockVpcEndpoint(inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  const vpcId = String(inputs.vpcId ?? "");
  const service = String(inputs.serviceName ?? "");
  if (vpcId === MOCK_VPC_WITHOUT_SECRETS_ENDPOINT || !service.endsWith(".secretsmanager")) {
    // The engine hands invoke failures to the SDK as a gRPC error whose `details` is the message.
    const message =
      "invoking aws:ec2/getVpcEndpoint:getVpcEndpoint: 1 error occurred:\n\t* no matching EC2 VPC Endpoint found";
    throw Object.assign(new Error(message), { details: message });
  }
  const id = `vpce-${short(`${vpcId}/${service}`, 17)}`;
  return {
    id,
    vpcId,
    serviceName: service,
    state: "available",
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT}:vpc-endpoint/${id}`,
  };
}

/**
 * What the database operations function returns for a first `apply` on an empty database: every role
 * created, every password role's secret and the column key initialised. The real result comes from the
 * function itself and is proven on the twin (test/integration, functions/dbops); this is its shape.
 */
export function firstApplyResult(event: ApplyEvent): ApplyResult {
  const model: AccessModel = event.model;
  return {
    database: model.database,
    rolesCreated: model.roles.map((r) => r.name),
    rolesUpdated: [],
    extensions: [...model.extensions],
    passwordsInitialised: Object.keys(event.roleSecretArns),
    clonesUpdated: [],
    columnKeyInitialised: event.columnKeySecretArn !== undefined,
    statements: accessStatements(model, { transaction: false }).length,
  };
}

/** Lambda's synchronous invocation payload limit and EventBridge's schedule syntax: the preflight's. */
export const LAMBDA_SYNC_PAYLOAD_BYTES = SYNC_PAYLOAD_BYTES;
export const scheduleExpressionValid = validScheduleExpression;

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";

const short = (s: string, n = 8) => createHash("sha256").update(s).digest("hex").slice(0, n);

const unwrap = (v: unknown): { value: unknown; secret: boolean } => {
  // Pulumi's wire form of a secret: { [SPECIAL_SIG_KEY]: SECRET_SIG, value }.
  if (v && typeof v === "object" && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG) {
    return { value: (v as Record<string, unknown>).value, secret: true };
  }
  return { value: v, secret: false };
};

export interface MockCloudOptions {
  /** Region of the default provider (the stack's `aws:region`). */
  readonly region: string;
}

export class MockCloud implements pulumi.runtime.Mocks {
  readonly registrations: Registration[] = [];
  readonly calls: { token: string; inputs: Record<string, unknown>; region: string }[] = [];
  private readonly providerRegions = new Map<string, string>();

  constructor(private readonly opts: MockCloudOptions) {}

  /** Region of an explicit provider reference (`urn::id`), or the default region. */
  private regionOf(provider: string | undefined): string {
    if (!provider) return this.opts.region;
    const urn = provider.split("::").slice(0, -1).join("::");
    return this.providerRegions.get(urn) ?? this.opts.region;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string | undefined;
    state: Record<string, unknown>;
  } {
    const region = this.regionOf(args.provider);
    const inputs = args.inputs as Record<string, unknown>;
    const named =
      typeof inputs.namePrefix === "string" && inputs.name === undefined
        ? { ...inputs, name: prefixedUniqueId(inputs.namePrefix, args.type + args.name) }
        : inputs;
    const state = { ...named, ...computed(args.type, args.name, named, region) };
    const id = (state.id as string | undefined) ?? `${args.name}-${short(args.type + args.name)}`;
    delete state.id;
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const region = this.regionOf(args.provider);
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    this.calls.push({ token: args.token, inputs, region });
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT,
          arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/ci`,
          userId: "AIDAMOCK",
          id: MOCK_ACCOUNT,
        };
      case "aws:index/getRegion:getRegion":
        return {
          name: region,
          region,
          id: region,
          description: region,
          endpoint: `ec2.${region}.amazonaws.com`,
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          names: ["a", "b", "c"].map((z) => `${region}${z}`),
          zoneIds: [1, 2, 3].map((n) => `use1-az${n}`),
          id: region,
          state: "available",
        };
      case "aws:ec2/getInstanceType:getInstanceType":
        return {
          instanceType: inputs.instanceType,
          ...mockInstanceType(String(inputs.instanceType)),
          id: inputs.instanceType,
        };
      case "aws:ec2/getVpcEndpoint:getVpcEndpoint":
        return mockVpcEndpoint(inputs, region);
      case "aws:ec2/getPrefixList:getPrefixList":
        return {
          id: "pl-63a5400a",
          prefixListId: "pl-63a5400a",
          name: inputs.name,
          cidrBlocks: ["3.5.0.0/19"],
        };
      case "aws:ec2/getVpc:getVpc":
        return {
          id: inputs.id,
          cidrBlock: "10.0.0.0/16",
          arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT}:vpc/${String(inputs.id)}`,
        };
      default:
        return { ...inputs, id: `${args.token}-${short(JSON.stringify(inputs))}` };
    }
  }

  /**
   * Wraps the mock monitor so each registration also records its resource options (protect,
   * parent, dependencies...), which the Mocks interface does not pass on.
   */
  attach(monitor: unknown): void {
    const m = monitor as {
      registerResource: (req: RegisterRequest, cb: (err: unknown, resp: RegisterResponse) => void) => unknown;
    };
    const original = m.registerResource.bind(m);
    m.registerResource = (req, cb) =>
      original(req, (err, resp) => {
        if (!err && resp) {
          const obj = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
          const inputs: Record<string, unknown> = {};
          const secretInputs: string[] = [];
          for (const [k, v] of Object.entries(obj)) {
            const u = unwrapDeep(v);
            inputs[k] = u.value;
            if (u.secret) secretInputs.push(k);
          }
          const type = req.getType();
          const urn = resp.getUrn();
          if (type.startsWith("pulumi:providers:")) {
            this.providerRegions.set(urn, String(inputs.region ?? this.opts.region));
          }
          const providerRef = req.getProvider() || undefined;
          this.registrations.push({
            type,
            name: req.getName(),
            urn,
            custom: req.getCustom(),
            inputs,
            state: (resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
            region: type.startsWith("pulumi:providers:")
              ? String(inputs.region ?? this.opts.region)
              : this.regionOf(providerRef),
            provider: providerRef,
            parent: req.getParent() || undefined,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            dependencies: req.getDependenciesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            ignoreChanges: req.getIgnorechangesList(),
            secretInputs,
          });
        }
        cb(err, resp);
      });
  }
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getObject(): { toJavaScript(): unknown } | undefined;
}
interface RegisterResponse {
  getUrn(): string;
  getObject(): { toJavaScript(): unknown } | undefined;
}

/** Unwraps secret envelopes anywhere in a value; reports whether any was found. */
function unwrapDeep(v: unknown): { value: unknown; secret: boolean } {
  const top = unwrap(v);
  if (top.secret) return { value: unwrapDeep(top.value).value, secret: true };
  if (Array.isArray(v)) {
    let secret = false;
    const value = v.map((x) => {
      const u = unwrapDeep(x);
      secret ||= u.secret;
      return u.value;
    });
    return { value, secret };
  }
  if (v && typeof v === "object") {
    let secret = false;
    const value: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const u = unwrapDeep(x);
      secret ||= u.secret;
      value[k] = u.value;
    }
    return { value, secret };
  }
  return { value: v, secret: false };
}

/** ARNs of the short-lived-mode CAs registered so far (what a Certificate's CA would answer). */
const shortLivedCas = new Set<string>();

/** A UUID-shaped id, as Private CA ARNs carry. */
const uuidOf = (s: string) => {
  const h = short(s, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * PEM armour around mock bytes: what the APIs return has this shape, but it is not parseable DER (the mock
 * makes no keys). Tests check the armour label and that no PRIVATE KEY block ever appears.
 */
const pem = (label: string, body: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(`MOCK ${body}`).toString("base64")}\n-----END ${label}-----\n`;

/** Values AWS computes for a new resource. */
/**
 * The name the AWS provider gives a resource from `namePrefix`: the prefix plus 26 characters, a UTC
 * timestamp to the 0.1 ms and an 8-hex-digit counter (terraform-plugin-sdk `id.PrefixedUniqueId`, used by
 * `create.Name` in terraform-provider-aws). Deterministic here so plans compare.
 */
function prefixedUniqueId(prefix: string, seed: string): string {
  return `${prefix}20260101000000000${short(seed, 9)}`;
}

function computed(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string,
): Record<string, unknown> {
  const acct = MOCK_ACCOUNT;
  const h = short(`${type}/${name}`);
  const h17 = short(`${type}/${name}`, 17);
  const nm = String(inputs.name ?? inputs.identifier ?? name);
  switch (type) {
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey": {
      const keyId = `mrk-${short(name, 32)}`;
      return { id: keyId, keyId, arn: `arn:aws:kms:${region}:${acct}:key/${keyId}` };
    }
    case "aws:kms/alias:Alias":
      return { id: nm, arn: `arn:aws:kms:${region}:${acct}:${nm}`, targetKeyArn: inputs.targetKeyId };
    case "aws:rds/instance:Instance": {
      const id = String(inputs.identifier ?? `${name}-${h}`);
      const address = `${id}.c${h.slice(0, 11)}.${region}.rds.amazonaws.com`;
      const out: Record<string, unknown> = {
        id,
        identifier: id,
        address,
        endpoint: `${address}:5432`,
        port: inputs.port ?? 5432,
        arn: `arn:aws:rds:${region}:${acct}:db:${id}`,
        resourceId: `db-${short(id, 26).toUpperCase()}`,
        hostedZoneId: "Z2R2ITUGPM61AM",
        status: "available",
        engineVersionActual: `${String(inputs.engineVersion ?? "16")}.4`.replace(/^(\d+\.\d+)\.4$/, "$1"),
        latestRestorableTime: "2026-11-25T20:00:00Z",
      };
      if (inputs.manageMasterUserPassword === true) {
        out.masterUserSecrets = [
          {
            secretArn: `arn:aws:secretsmanager:${region}:${acct}:secret:rds!db-${short(id, 8)}-${short(id, 4)}-AbCdEf`,
            kmsKeyId: inputs.masterUserSecretKmsKeyId,
            secretStatus: "active",
          },
        ];
      }
      return out;
    }
    case "aws:rds/parameterGroup:ParameterGroup":
    case "aws:rds/subnetGroup:SubnetGroup":
      return {
        id: nm,
        name: nm,
        arn: `arn:aws:rds:${region}:${acct}:${type.includes("param") ? "pg" : "subgrp"}:${nm}`,
      };
    case "aws:rds/proxy:Proxy":
      return {
        id: nm,
        arn: `arn:aws:rds:${region}:${acct}:db-proxy:prx-${h17}`,
        endpoint: `${nm}.proxy-c${h.slice(0, 11)}.${region}.rds.amazonaws.com`,
      };
    case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
      return {
        id: String(inputs.dbProxyName),
        name: "default",
        arn: `arn:aws:rds:${region}:${acct}:target-group:prx-tg-${h17}`,
      };
    case "aws:rds/proxyEndpoint:ProxyEndpoint":
      return {
        id: `${String(inputs.dbProxyName)}/${String(inputs.dbProxyEndpointName)}`,
        arn: `arn:aws:rds:${region}:${acct}:db-proxy-endpoint:prx-endpoint-${h17}`,
        endpoint: `${String(inputs.dbProxyEndpointName)}.endpoint.proxy-c${h.slice(0, 11)}.${region}.rds.amazonaws.com`,
      };
    case "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
      return { id: `arn:aws:rds:${region}:${acct}:auto-backup:ab-${h17}` };
    case "aws:rds/eventSubscription:EventSubscription":
      return { id: nm, arn: `arn:aws:rds:${region}:${acct}:es:${nm}` };
    case "aws:ec2/vpc:Vpc":
      return {
        id: `vpc-${h17}`,
        arn: `arn:aws:ec2:${region}:${acct}:vpc/vpc-${h17}`,
        defaultSecurityGroupId: `sg-${short(`${name}default`, 17)}`,
        mainRouteTableId: `rtb-${h17}`,
        defaultNetworkAclId: `acl-${h17}`,
      };
    case "aws:ec2/subnet:Subnet":
      return { id: `subnet-${h17}`, arn: `arn:aws:ec2:${region}:${acct}:subnet/subnet-${h17}` };
    case "aws:ec2/securityGroup:SecurityGroup":
    case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
      return { id: `sg-${h17}`, arn: `arn:aws:ec2:${region}:${acct}:security-group/sg-${h17}` };
    case "aws:ec2/routeTable:RouteTable":
      return { id: `rtb-${h17}` };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return { id: `vpce-${h17}`, arn: `arn:aws:ec2:${region}:${acct}:vpc-endpoint/vpce-${h17}` };
    case "aws:ec2/flowLog:FlowLog":
      return { id: `fl-${h17}`, arn: `arn:aws:ec2:${region}:${acct}:vpc-flow-log/fl-${h17}` };
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
    case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
      return { id: `sgr-${h17}`, arn: `arn:aws:ec2:${region}:${acct}:security-group-rule/sgr-${h17}` };
    case "aws:iam/role:Role":
      return { id: nm, name: nm, arn: `arn:aws:iam::${acct}:role/${nm}`, uniqueId: `AROA${h.toUpperCase()}` };
    case "aws:iam/policy:Policy":
      return { id: `arn:aws:iam::${acct}:policy/${nm}`, arn: `arn:aws:iam::${acct}:policy/${nm}`, name: nm };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { id: nm, name: nm, arn: `arn:aws:logs:${region}:${acct}:log-group:${nm}` };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { id: nm, arn: `arn:aws:cloudwatch:${region}:${acct}:alarm:${nm}` };
    case "aws:cloudwatch/dashboard:Dashboard":
      return {
        id: String(inputs.dashboardName ?? nm),
        dashboardArn: `arn:aws:cloudwatch::${acct}:dashboard/${String(inputs.dashboardName ?? nm)}`,
      };
    case "aws:sns/topic:Topic":
      return {
        id: `arn:aws:sns:${region}:${acct}:${nm}`,
        arn: `arn:aws:sns:${region}:${acct}:${nm}`,
        name: nm,
      };
    case "aws:sns/topicSubscription:TopicSubscription":
      return {
        id: `arn:aws:sns:${region}:${acct}:${String(inputs.topic ?? nm)}:${h}`,
        arn: `arn:aws:sns:${region}:${acct}:sub:${h}`,
      };
    // CreateSecret AddReplicaRegions: a replica lives in another region than the primary (AWS Secrets
    // Manager API Reference, CreateSecret and ReplicaRegionType,
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html).
    case "aws:secretsmanager/secret:Secret": {
      const arn = `arn:aws:secretsmanager:${region}:${acct}:secret:${nm}-${h.slice(0, 6)}`;
      const replicas = (Array.isArray(inputs.replicas) ? inputs.replicas : []) as { region?: string }[];
      for (const r of replicas)
        if (r.region === region)
          throw new Error(
            `InvalidParameterException: Invalid replica region ${region}: a secret cannot be replicated to its own region.`,
          );
      return {
        id: arn,
        arn,
        name: nm,
        ...(replicas.length > 0
          ? {
              replicas: replicas.map((r) => ({
                ...r,
                status: "InSync",
                statusMessage: "Replication succeeded",
              })),
            }
          : {}),
      };
    }
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { id: `${String(inputs.secretId)}|${h}`, versionId: h, arn: inputs.secretId };
    case "aws:backup/vault:Vault":
      return {
        id: nm,
        name: nm,
        arn: `arn:aws:backup:${region}:${acct}:backup-vault:${nm}`,
        recoveryPoints: 0,
      };
    case "aws:backup/plan:Plan":
      return { id: h, arn: `arn:aws:backup:${region}:${acct}:backup-plan:${h}`, version: "1" };
    case "aws:backup/restoreTestingPlan:RestoreTestingPlan":
      return { id: nm, name: nm, arn: `arn:aws:backup:${region}:${acct}:restore-testing-plan:${nm}-${h}` };
    case "aws:ecs/cluster:Cluster":
      return {
        id: `arn:aws:ecs:${region}:${acct}:cluster/${nm}`,
        arn: `arn:aws:ecs:${region}:${acct}:cluster/${nm}`,
        name: nm,
      };
    case "aws:ecs/taskDefinition:TaskDefinition":
      return {
        id: String(inputs.family ?? nm),
        arn: `arn:aws:ecs:${region}:${acct}:task-definition/${String(inputs.family ?? nm)}:1`,
        revision: 1,
      };
    case "aws:ecs/service:Service":
      return { id: `arn:aws:ecs:${region}:${acct}:service/${nm}`, name: nm };
    case "aws:lb/loadBalancer:LoadBalancer":
      return {
        id: `arn:aws:elasticloadbalancing:${region}:${acct}:loadbalancer/net/${nm}/${h}`,
        arn: `arn:aws:elasticloadbalancing:${region}:${acct}:loadbalancer/net/${nm}/${h}`,
        arnSuffix: `net/${nm}/${h}`,
        dnsName: `${nm}-${h}.elb.${region}.amazonaws.com`,
        zoneId: "Z26RNL4JYFTOTI",
      };
    case "aws:lb/targetGroup:TargetGroup":
      return {
        id: `arn:aws:elasticloadbalancing:${region}:${acct}:targetgroup/${nm}/${h}`,
        arn: `arn:aws:elasticloadbalancing:${region}:${acct}:targetgroup/${nm}/${h}`,
        arnSuffix: `targetgroup/${nm}/${h}`,
      };
    // Lambda CreateFunction: Timeout 1–900 s, MemorySize 128–10240 MB; a VpcConfig needs subnets and
    // security groups (Lambda API Reference, CreateFunction, https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
    case "aws:lambda/function:Function": {
      const timeout = Number(inputs.timeout ?? 3);
      const memory = Number(inputs.memorySize ?? 128);
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)
        throw new Error(
          `InvalidParameterValueException: 1 validation error detected: Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900`,
        );
      if (!Number.isInteger(memory) || memory < 128 || memory > 10240)
        throw new Error(
          `InvalidParameterValueException: 'MemorySize' value failed to satisfy constraint: Member must have value between 128 and 10240 (got ${memory})`,
        );
      const vpc = inputs.vpcConfig as { subnetIds?: unknown[]; securityGroupIds?: unknown[] } | undefined;
      if (vpc && ((vpc.subnetIds ?? []).length === 0 || (vpc.securityGroupIds ?? []).length === 0))
        throw new Error(
          "InvalidParameterValueException: A VpcConfig needs at least one subnet and one security group.",
        );
      const arn = `arn:aws:lambda:${region}:${acct}:function:${nm}`;
      return {
        id: nm,
        arn,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualifiedArn: `${arn}:$LATEST`,
        version: "$LATEST",
      };
    }
    // Lambda Invoke (RequestResponse): the payload is JSON of at most 6 MB, request and response
    // ("Lambda quotas", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html; larger:
    // RequestTooLargeException). The result is the function's answer to a first `apply`.
    case "aws:lambda/invocation:Invocation": {
      const input = String(inputs.input ?? "");
      if (Buffer.byteLength(input) > LAMBDA_SYNC_PAYLOAD_BYTES)
        throw new Error(
          `RequestTooLargeException: Request must be smaller than ${LAMBDA_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
        );
      let event: ApplyEvent;
      try {
        event = JSON.parse(input) as ApplyEvent;
      } catch {
        throw new Error("InvalidRequestContentException: Could not parse request body into json");
      }
      const result = event.action === "apply" ? JSON.stringify(firstApplyResult(event)) : "null";
      return { id: `${String(inputs.functionName)}_${short(input, 16)}`, result };
    }
    case "aws:lambda/permission:Permission":
      return {
        id: String(inputs.statementId ?? `${name}-${h}`),
        statementId: inputs.statementId ?? `${name}-${h}`,
      };
    // EventBridge PutRule refuses a malformed schedule: "ValidationException: Parameter ScheduleExpression
    // is not valid." (rate(5 minute) and rate(1 minutes) included; see scheduleExpressionValid).
    case "aws:cloudwatch/eventRule:EventRule": {
      const expr = inputs.scheduleExpression;
      if (typeof expr === "string" && !scheduleExpressionValid(expr))
        throw new Error(`ValidationException: Parameter ScheduleExpression is not valid. (${expr})`);
      return { id: nm, arn: `arn:aws:events:${region}:${acct}:rule/${nm}` };
    }
    case "aws:cloudwatch/eventTarget:EventTarget":
      return { id: `${String(inputs.rule)}-${h}`, targetId: `${name}-${h}` };
    // Secrets Manager RotateSecret: RotationRules.AutomaticallyAfterDays 1–1000 (AWS Secrets Manager API
    // Reference, RotationRulesType, https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html).
    case "aws:secretsmanager/secretRotation:SecretRotation": {
      const rules = (inputs.rotationRules ?? {}) as { automaticallyAfterDays?: number };
      const days = rules.automaticallyAfterDays;
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000))
        throw new Error(
          `InvalidParameterException: AutomaticallyAfterDays ${days} is out of range; it must be between 1 and 1000.`,
        );
      return { id: String(inputs.secretId), rotationEnabled: true };
    }
    // AWS Private CA. CreateCertificateAuthority returns the CA's ARN; until a certificate is installed the
    // CA is PENDING_CERTIFICATE and GetCertificateAuthorityCsr returns its CSR, which the provider exposes as
    // `certificateSigningRequest` (AWS Private CA API Reference: CreateCertificateAuthority,
    // GetCertificateAuthorityCsr; Pulumi aws.acmpca.CertificateAuthority). No API ever returns the CA's
    // private key, so nothing here carries one.
    case "aws:acmpca/certificateAuthority:CertificateAuthority": {
      const cfg = (inputs.certificateAuthorityConfiguration ?? {}) as Record<string, unknown>;
      const keyAlg = String(cfg.keyAlgorithm ?? "");
      const sigAlg = String(cfg.signingAlgorithm ?? "");
      // "The specified signing algorithm family (RSA or ECDSA) must match the algorithm family of the CA's
      // secret key" (AWS Certificate Manager User Guide, Private certificates).
      if (keyAlg.startsWith("EC_") !== sigAlg.endsWith("ECDSA")) {
        throw new Error(
          `InvalidArgsException: signing algorithm ${sigAlg} does not match the key algorithm ${keyAlg} of the CA.`,
        );
      }
      const arn = `arn:aws:acm-pca:${region}:${acct}:certificate-authority/${uuidOf(name)}`;
      const usageMode = String(inputs.usageMode ?? "GENERAL_PURPOSE");
      if (usageMode === "SHORT_LIVED_CERTIFICATE") shortLivedCas.add(arn);
      return {
        id: arn,
        arn,
        status: "PENDING_CERTIFICATE",
        usageMode,
        keyStorageSecurityStandard: inputs.keyStorageSecurityStandard ?? "FIPS_140_2_LEVEL_3_OR_HIGHER",
        certificateSigningRequest: pem("CERTIFICATE REQUEST", `csr of ${arn}`),
      };
    }
    // IssueCertificate returns the certificate's ARN (`<CA ARN>/certificate/<32 hex>`); GetCertificate returns
    // the PEM and, for a certificate a root issues itself, no chain. A short-lived-mode CA refuses end-entity
    // validity above 7 days ("exclusively issues certificates with a maximum validity period of seven
    // days"); its own root is not checked ("AWS Private CA does not perform validity checks on root CA
    // certificates"; both from Understand AWS Private CA CA modes,
    // https://docs.aws.amazon.com/privateca/latest/userguide/short-lived-certificates.html).
    case "aws:acmpca/certificate:Certificate": {
      const caArn = String(inputs.certificateAuthorityArn ?? "");
      const template = String(inputs.templateArn ?? "");
      const v = (inputs.validity ?? {}) as { type?: string; value?: string };
      const perUnit: Record<string, number> = { DAYS: 1, MONTHS: 28, YEARS: 365 };
      const days = Number(v.value ?? 0) * (perUnit[String(v.type)] ?? 0);
      if (shortLivedCas.has(caArn) && !template.includes("/RootCACertificate/") && days > 7) {
        throw new Error(
          `ValidationException: certificate authority ${caArn} is in SHORT_LIVED_CERTIFICATE mode; validity must be 7 days or less.`,
        );
      }
      const arn = `${caArn}/certificate/${short(`${type}/${name}`, 32)}`;
      return { id: arn, arn, certificate: pem("CERTIFICATE", `certificate ${arn}`), certificateChain: "" };
    }
    case "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate":
      return { id: String(inputs.certificateAuthorityArn) };
    case "random:index/randomId:RandomId":
      return {
        id: h,
        hex: h,
        b64Url: Buffer.from(h, "hex").toString("base64url"),
        dec: String(Number.parseInt(h, 16)),
      };
    default:
      return { arn: `arn:aws:mock:${region}:${acct}:${type.split(":").pop()?.toLowerCase()}/${nm}` };
  }
}
