/** RDS Proxy: authentication, connection pool limits, naming. */
import type { ConfigRule, PlanFinding, PlannedResource, PlanRule } from "../types";
import { actionCovers, actions, list, num, obj, ofType, policyStatements, str, T } from "./util";

/** Roles that are members of rds_iam in the plan (they have no password). */
const rdsIamRoles = (rs: readonly PlannedResource[]) =>
  new Set(
    ofType(rs, T.pgRole)
      .filter((r) => list(r.inputs.roles).includes("rds_iam"))
      .map((r) => String(r.inputs.name)),
  );

/** The database user a proxy auth entry signs in as: userName, the "login role X" description, or the secret's last path segment. */
function authUser(rs: readonly PlannedResource[], auth: Record<string, unknown>): string | undefined {
  const explicit = str(auth.userName) ?? /login role (\S+)/.exec(str(auth.description) ?? "")?.[1];
  if (explicit) return explicit;
  const secret = ofType(rs, "aws:secretsmanager/secret:Secret").find((s) => s.state?.arn === auth.secretArn);
  return str(secret?.inputs.name)?.split("/").pop();
}

export const endToEndIam: PlanRule = {
  id: "rdsProxy.endToEndIam",
  level: "plan",
  title:
    "Proxy IAM is end to end: no password secret for an rds_iam role; an IAM_AUTH proxy's role may rds-db:connect",
  source: {
    title:
      'Amazon RDS User Guide, "End-to-end IAM authentication for RDS Proxy" and "Migrating from standard IAM authentication to end-to-end IAM authentication" (DefaultAuthScheme IAM_AUTH, proxy role needs rds-db:connect); "Limitations for IAM database authentication" (a member of rds_iam can only log in with IAM, awsdocs/amazon-rds-user-guide#111)',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam-migration.html",
  },
  fix: "Set defaultAuthScheme IAM_AUTH for IAM roles, drop their SECRETS auth entries, and grant the proxy role rds-db:connect on those database users.",
  check: (rs) => {
    const out: PlanFinding[] = [];
    const iamUsers = rdsIamRoles(rs);
    for (const p of ofType(rs, T.proxy)) {
      for (const a of list(p.inputs.auths).map(obj)) {
        const user = authUser(rs, a);
        if (a.authScheme === "SECRETS" && user !== undefined && iamUsers.has(user))
          out.push({
            resource: p,
            message: `signs in as ${user} with a password secret, but ${user} is a member of rds_iam and PostgreSQL accepts only IAM tokens for it.`,
          });
      }
      if (p.inputs.defaultAuthScheme !== "IAM_AUTH") continue;
      const roleRef = str(p.inputs.roleArn);
      const role = ofType(rs, T.iamRole).find(
        (r) => r.state?.arn === roleRef || roleRef?.endsWith(`/${String(r.inputs.name)}`) === true,
      );
      const roleName = role ? String(role.inputs.name ?? role.name) : roleRef?.split("/").pop();
      const forRole = (x: PlannedResource) => x.inputs.role === roleName || x.inputs.role === roleRef;
      // Inline role policies, and customer-managed policies attached to the role.
      const attached = ofType(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter(forRole)
        .map((a) => a.inputs.policyArn);
      const managed = ofType(rs, "aws:iam/policy:Policy").filter((m) => attached.includes(m.state?.arn));
      const grants = [...ofType(rs, T.iamRolePolicy).filter(forRole), ...managed]
        .flatMap((rp) => policyStatements(rp.inputs.policy))
        .filter((s) => s.Effect === "Allow" && actions(s).some((x) => actionCovers(x, "rds-db:connect")));
      if (grants.length === 0)
        out.push({
          resource: p,
          message: `uses end-to-end IAM (IAM_AUTH) but its role ${roleName ?? "(unknown)"} has no rds-db:connect grant in the plan; the proxy cannot sign in to the database.`,
        });
    }
    return out;
  },
};

const CONNECTION_POOL = {
  title:
    "Amazon RDS API Reference, ConnectionPoolConfiguration, MaxIdleConnectionsPercent (between 0 and MaxConnectionsPercent)",
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html",
};

export const idleConnectionsConfig: ConfigRule = {
  id: "rdsProxy.idleConnections.config",
  level: "config",
  title: "Proxy idle connections do not exceed its connection limit",
  source: CONNECTION_POOL,
  fix: "Lower proxyMaxIdleConnectionsPercent to proxyMaxConnectionsPercent or less.",
  check: (c) =>
    c.pooler === "rds-proxy" &&
    c.proxyMaxIdleConnectionsPercent !== undefined &&
    c.proxyMaxConnectionsPercent !== undefined &&
    c.proxyMaxIdleConnectionsPercent > c.proxyMaxConnectionsPercent
      ? [
          {
            key: "proxyMaxIdleConnectionsPercent",
            value: c.proxyMaxIdleConnectionsPercent,
            message: `is above proxyMaxConnectionsPercent (${c.proxyMaxConnectionsPercent}); RDS rejects the pool configuration.`,
          },
        ]
      : [],
};

export const idleConnections: PlanRule = {
  id: "rdsProxy.idleConnections",
  level: "plan",
  title: "maxIdleConnectionsPercent is between 0 and maxConnectionsPercent",
  source: CONNECTION_POOL,
  fix: "Set maxIdleConnectionsPercent to maxConnectionsPercent or less.",
  check: (rs) =>
    ofType(rs, T.proxyTargetGroup).flatMap((g) => {
      const c = obj(g.inputs.connectionPoolConfig);
      const idle = num(c.maxIdleConnectionsPercent);
      const max = num(c.maxConnectionsPercent) ?? 100;
      return idle !== undefined && (idle < 0 || idle > max)
        ? [
            {
              resource: g,
              message: `maxIdleConnectionsPercent ${idle} is outside 0 to maxConnectionsPercent ${max}.`,
            },
          ]
        : [];
    }),
};

export const proxyName: PlanRule = {
  id: "rdsProxy.name",
  level: "plan",
  title: "Proxy names: a letter first, letters/digits/hyphens, no '--', no trailing '-', at most 63",
  source: {
    title: "Amazon RDS API Reference, CreateDBProxy, DBProxyName",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxy.html",
  },
  fix: "Rename the proxy (it derives from the stack name).",
  check: (rs) =>
    ofType(rs, T.proxy)
      .filter((p) => {
        const n = str(p.inputs.name);
        return n !== undefined && (!/^[a-zA-Z](?:-?[a-zA-Z0-9])*$/.test(n) || n.length > 63);
      })
      .map((p) => ({
        resource: p,
        message: `name "${String(p.inputs.name)}" breaks the DB proxy name rules.`,
      })),
};
