/**
 * The stack's access model from its validated config: the one mapping that the stack (infra/access.ts)
 * and the local twin (local/twin.ts) both use. Pure: no Pulumi, so the twin starts without loading the
 * AWS provider.
 */
import { type AccessModel, accessModel } from "../components/postgres/accessModel";
import type { PlatformConfig } from "./config";

/** The access model for this stack's config. */
export function stackAccessModel(cfg: PlatformConfig): AccessModel {
  return accessModel({
    database: cfg.databaseName,
    // Preloading pgaudit (the parameter group's shared_preload_libraries) is half of it: the extension
    // must also be created in the database before pgaudit.log takes effect ("Using pgAudit to log database
    // activity", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html).
    extensions:
      cfg.pgauditEnabled && !cfg.extensions.includes("pgaudit")
        ? [...cfg.extensions, "pgaudit"]
        : cfg.extensions,
    ownerRoleName: cfg.ownerRoleName,
    appRoleName: cfg.appRoleName,
    analyticsRoleName: cfg.analyticsRoleName,
    ownerConnectionLimit: cfg.ownerConnectionLimit,
    appConnectionLimit: cfg.appConnectionLimit,
    analyticsConnectionLimit: cfg.analyticsConnectionLimit,
    iamAuthRoles: cfg.iamAuthRoles,
  });
}
