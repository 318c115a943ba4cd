/**
 * HIPAA floors: the least the platform keeps in prod, each with the Security Rule citation it serves.
 * Pure data. The config (spec/keys.ts), its docs, the stack files and the prod refusals all read these,
 * so moving a floor is a one-line edit here. The policy pack keeps its own copies (it must stay
 * self-contained); test/spec/policyPins.test.ts pins them equal.
 */

/**
 * Point-in-time recovery window prod keeps, in days: the data backup plan (45 CFR 164.308(a)(7)(ii)(A))
 * asks for retrievable exact copies of ePHI. 35 is also the RDS maximum (spec/awsLimits.ts), so prod keeps
 * the longest window RDS offers.
 */
export const PROD_PITR_DAYS = 35;

/**
 * Documentation of security activity (audit logs, monthly recovery points) is kept six years
 * (45 CFR 164.316(b)(2)(i)); 2192 days is the CloudWatch Logs retention value that covers it.
 */
export const AUDIT_RETENTION_DAYS = 2192;

/**
 * Daily AWS Backup recovery points are kept at least this long, in every environment: the contingency
 * plan's floor beyond RDS's own PITR (164.308(a)(7)(ii)(A)), and the vault lock's minimum retention.
 */
export const DAILY_BACKUP_MIN_DAYS = 35;

/** PgBouncer tasks prod runs at least, one per AZ, so losing an AZ keeps the pooler up (164.308(a)(7)). */
export const PROD_MIN_PGBOUNCER_TASKS = 2;

/** Security Rule sections the platform's decisions cite, by what they protect. */
export const HIPAA_CONTROLS = {
  contingencyPlan: "164.308(a)(7)",
  dataBackupPlan: "164.308(a)(7)(ii)(A)",
  disasterRecoveryPlan: "164.308(a)(7)(ii)(B)",
  testingAndRevision: "164.308(a)(7)(ii)(D)",
  responseAndReporting: "164.308(a)(6)(ii)",
  logInMonitoring: "164.308(a)(5)(ii)(C)",
  passwordManagement: "164.308(a)(5)(ii)(D)",
  auditControls: "164.312(b)",
  integrity: "164.312(c)(1)",
  transmissionSecurity: "164.312(e)(1)",
  documentationRetention: "164.316(b)(2)(i)",
  minimumNecessary: "164.502(b)",
} as const;
