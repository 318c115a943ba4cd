/**
 * The restore commands of docs/runbooks.md, rendered from one place so every restore path gets the same
 * hardening (private, IAM auth, TLS-only parameter group, customer-managed key, deletion protection,
 * PHI tags) and the document cannot drift: a test asserts the runbook contains these exact commands.
 */

/** Stack outputs the runbooks read, by shell variable. */
export const RUNBOOK_OUTPUTS = {
  DB: "dbIdentifier",
  KMS_KEY: "kmsKeyArn",
  SG: "dbSecurityGroupId",
  SUBNET_GROUP: "dbSubnetGroupName",
  PARAM_GROUP: "dbParameterGroupName",
  VAULT: "backupVaultName",
  BACKUP_ROLE: "backupRoleArn",
  DR_REGION: "drRegion",
  DR_KMS_KEY: "drKmsKeyArn",
  DR_VAULT: "drBackupVaultName",
  REPLICATION_ARN: "drAutomatedBackupsReplicationArn",
} as const;

/** Tags every restored PHI instance carries (the stack's tags are not copied by a restore). */
const RESTORE_TAGS =
  'Key=DataClassification,Value=phi Key=Compliance,Value=hipaa Key=RestoredFrom,Value="$DB"';

/** The shell block that loads the stack's outputs. */
export function renderOutputVariables(): string {
  return [
    'export AWS_REGION="$(pulumi config get aws:region)"',
    ...Object.entries(RUNBOOK_OUTPUTS).map(([v, out]) => `${v}="$(pulumi stack output ${out})"`),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template.
    'TARGET="${DB}-r$(date -u +%m%d%H%M)"',
  ].join("\n");
}

export type RestoreKind = "point-in-time" | "snapshot" | "cross-region";

interface Placement {
  readonly region?: string;
  readonly subnetGroup: string;
  readonly securityGroup: string;
  readonly parameterGroup: string;
}

const PRIMARY: Placement = {
  subnetGroup: "$SUBNET_GROUP",
  securityGroup: "$SG",
  parameterGroup: "$PARAM_GROUP",
};
const DR: Placement = {
  region: "$DR_REGION",
  subnetGroup: "$DR_SUBNET_GROUP",
  securityGroup: "$DR_SG",
  parameterGroup: "$DR_PARAM_GROUP",
};

/** Flags that make a restored instance as hardened as the one Pulumi creates. */
export function hardeningFlags(p: Placement, multiAz: boolean): string[] {
  return [
    `--db-subnet-group-name "${p.subnetGroup}"`,
    `--vpc-security-group-ids "${p.securityGroup}"`,
    `--db-parameter-group-name "${p.parameterGroup}"`,
    "--no-publicly-accessible",
    "--enable-iam-database-authentication",
    "--deletion-protection",
    "--copy-tags-to-snapshot",
    multiAz ? "--multi-az" : "--no-multi-az",
    "--ca-certificate-identifier rds-ca-rsa2048-g1",
    "--enable-cloudwatch-logs-exports postgresql upgrade",
    `--tags ${RESTORE_TAGS}`,
  ];
}

/** One restore command, wrapped for a shell. */
export function renderRestoreCommand(kind: RestoreKind, multiAz = true): string {
  let head: string[];
  switch (kind) {
    case "point-in-time":
      head = [
        "aws rds restore-db-instance-to-point-in-time",
        '--source-db-instance-identifier "$DB"',
        '--target-db-instance-identifier "$TARGET"',
        '--restore-time "$RESTORE_TIME"',
        // PITR may re-encrypt; pin the stack's key rather than let RDS pick the source's by lookup.
        '--kms-key-id "$KMS_KEY"',
      ];
      return wrap([...head, ...hardeningFlags(PRIMARY, multiAz)]);
    case "snapshot":
      // A snapshot restore keeps the snapshot's key (no --kms-key-id): it is the stack's key already.
      head = [
        "aws rds restore-db-instance-from-db-snapshot",
        '--db-snapshot-identifier "$SNAPSHOT"',
        '--db-instance-identifier "$TARGET"',
      ];
      return wrap([...head, ...hardeningFlags(PRIMARY, multiAz)]);
    case "cross-region":
      head = [
        'aws rds restore-db-instance-to-point-in-time --region "$DR_REGION"',
        '--source-db-instance-automated-backups-arn "$REPLICATION_ARN"',
        '--target-db-instance-identifier "$DB"',
        "--use-latest-restorable-time",
        '--kms-key-id "$DR_KMS_KEY"',
      ];
      return wrap([...head, ...hardeningFlags(DR, multiAz)]);
  }
}

const wrap = (parts: readonly string[]): string => parts.join(" \\\n  ");
