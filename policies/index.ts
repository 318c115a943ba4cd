/**
 * The HIPAA policy pack. `pulumi preview --policy-pack policies` runs this file: it only builds the pack
 * from the roster (it starts the analyzer's gRPC server, so nothing else may import it).
 */
import { PolicyPack } from "@pulumi/policy";
import { toPolicy } from "./lib/adapter";
import { PACK_NAME } from "./lib/pack";
import { RULES } from "./roster";

new PolicyPack(PACK_NAME, {
  displayName: "Verscienta HIPAA: RDS PostgreSQL",
  description:
    "HIPAA Security Rule (45 CFR 164.308, 164.312, 164.316) controls for the RDS PostgreSQL platform. See RULES.md.",
  provider: "aws",
  tags: ["hipaa", "aws", "rds", "postgresql"],
  enforcementLevel: "mandatory",
  policies: RULES.map((rule) => toPolicy(rule)),
});
