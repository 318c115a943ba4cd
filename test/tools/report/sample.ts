/** A small report input shared by the renderer tests: three rules, two controls, one resource each way. */
import { buildReport, type Entry, type Report, type RuleMeta } from "../../../tools/lib/report/model";

export const S = "urn:pulumi:prod::verscienta-postgres::";
export const DB = `${S}verscienta:rds:PostgresInstance$aws:rds/instance:Instance::db-primary`;
export const REPLICA = `${S}verscienta:rds:ReadReplica$aws:rds/instance:Instance::db-replica`;

export const RULES: RuleMeta[] = [
  {
    name: "rdsStorageEncrypted",
    description: "RDS storage is encrypted at rest.",
    hipaa: ["164.312(a)(2)(iv)"],
    severity: "critical",
    enforcementLevel: "mandatory",
    remediation: "Set storageEncrypted: true.",
    awsConfigRule: "rds-storage-encrypted",
  },
  {
    name: "rdsMultiAz",
    description: "RDS has a standby in a second AZ.",
    hipaa: ["164.308(a)(7)(i)"],
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set multiAz: true.",
  },
  {
    name: "rdsManagedMasterPassword",
    description: "RDS manages the master password.",
    hipaa: ["164.312(a)(2)(iv)", "164.312(d)"],
    severity: "critical",
    enforcementLevel: "mandatory",
    remediation: "Set manageMasterUserPassword: true.",
  },
];

export const CONTROLS: Record<string, string> = {
  "164.308(a)(7)(i)": "Contingency plan",
  "164.312(a)(2)(iv)": "Encryption and decryption",
  "164.312(d)": "Person or entity authentication",
};

const base = { severity: "critical", enforcementLevel: "mandatory" as const, hipaa: ["164.312(a)(2)(iv)"] };

export const ENTRIES: Entry[] = [
  {
    ...base,
    policy: "rdsStorageEncrypted",
    urn: DB,
    type: "aws:rds/instance:Instance",
    resourceName: "db-primary",
    status: "pass",
    message: "ok",
    evidence: { storageEncrypted: true },
  },
  {
    ...base,
    policy: "rdsStorageEncrypted",
    urn: REPLICA,
    type: "aws:rds/instance:Instance",
    resourceName: "db-replica",
    status: "fail",
    message: "storageEncrypted is false <script>alert(1)</script> | pipe",
    evidence: { storageEncrypted: false },
  },
  {
    ...base,
    policy: "rdsManagedMasterPassword",
    urn: DB,
    type: "aws:rds/instance:Instance",
    resourceName: "db-primary",
    status: "pass",
    message: "ok",
    hipaa: ["164.312(a)(2)(iv)", "164.312(d)"],
    evidence: { manageMasterUserPassword: true, password: "hunter2-secret" },
  },
  {
    ...base,
    policy: "rdsManagedMasterPassword",
    urn: REPLICA,
    type: "aws:rds/instance:Instance",
    resourceName: "db-replica",
    status: "not-applicable",
    message: "read replica",
    hipaa: ["164.312(a)(2)(iv)", "164.312(d)"],
  },
  {
    policy: "rdsMultiAz",
    urn: REPLICA,
    type: "aws:rds/instance:Instance",
    resourceName: "db-replica",
    status: "fail",
    enforcementLevel: "advisory",
    severity: "medium",
    message: "multiAz is false",
    hipaa: ["164.308(a)(7)(i)"],
    evidence: { multiAz: false },
  },
];

export function sampleReport(entries: Entry[] = ENTRIES, problems: string[] = []): Report {
  return buildReport(
    {
      source: "offline-plan",
      input: "plan.json",
      stack: "prod",
      environment: "prod",
      evidence:
        "offline plan: the program run under mocks on a mock AWS account (account 123456789012); ARNs, ids and endpoints are the mock's, not a real account's",
      policyConfig: {
        origin: "assumed: the default for dev",
        relaxations: [
          "rdsStorageEncrypted: advisory (pack default mandatory)",
          "rdsMultiAz.minimumDays: 7 (pack default 35)",
        ],
      },
      evaluatedAt: "2026-01-02T03:04:05.000Z",
      generatedAt: "2026-01-02T03:05:00.000Z",
      gitCommit: "0123456789abcdef0123456789abcdef01234567",
      packName: "verscienta-hipaa",
      packVersion: "0.1.0",
    },
    entries,
    RULES,
    CONTROLS,
    problems,
  );
}
