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
    extensions: cfg.extensions,
    ownerRoleName: cfg.ownerRoleName,
    appRoleName: cfg.appRoleName,
    analyticsRoleName: cfg.analyticsRoleName,
    ownerConnectionLimit: cfg.ownerConnectionLimit,
    appConnectionLimit: cfg.appConnectionLimit,
    analyticsConnectionLimit: cfg.analyticsConnectionLimit,
    iamAuthRoles: cfg.iamAuthRoles,
  });
}
