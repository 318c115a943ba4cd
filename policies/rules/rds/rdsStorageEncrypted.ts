import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** RDS leaves storage unencrypted unless asked, and encryption cannot be added to a live instance. */
export const rdsStorageEncrypted: ResourceRule = {
  name: "rdsStorageEncrypted",
  kind: "resource",
  description: "RDS instance storage, snapshots, backups and replicas are encrypted at rest.",
  resourceTypes: [T.rdsInstance],
  properties: ["storageEncrypted"],
  hipaa: ["164.312(a)(2)(iv)"],
  awsConfigRule: "rds-storage-encrypted",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation:
    "Set storageEncrypted: true with kmsKeyId. An existing unencrypted instance must be migrated: snapshot, copy the snapshot with encryption, restore.",
  check: (props) =>
    requireTrue(props, "storageEncrypted", "PHI at rest must be encrypted (the provider default is false)."),
};
