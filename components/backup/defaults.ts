import { DAILY_BACKUP_MIN_DAYS } from "../../spec/hipaa";

/**
 * Every backup and disaster-recovery decision that is not configuration, in one place, so a reviewer
 * sees each policy choice in one diff.
 */

/**
 * HIPAA floor for daily recovery points (the config refuses less): the vault lock's minimum retention,
 * so no job, person or later plan change can store a shorter-lived recovery point in a locked vault.
 */
export const MIN_RETENTION_DAYS = DAILY_BACKUP_MIN_DAYS;

/**
 * Compliance-mode cooling-off period. AWS Backup's minimum is 3 days; after it the lock can no longer
 * be changed or removed by anyone, the root user and AWS included.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export const VAULT_LOCK_CHANGEABLE_FOR_DAYS = 3;

/** AWS Backup starts a job within this many minutes of the scheduled time, or marks it expired. */
export const BACKUP_START_WINDOW_MINUTES = 60;

/**
 * A snapshot job still running after this many minutes (from the scheduled time) is cancelled and
 * reported: six hours leaves room for a multi-TB first snapshot; later ones are incremental.
 */
export const BACKUP_COMPLETION_WINDOW_MINUTES = 360;

/**
 * Vault events sent to the alarm topic. AWS Backup reports failures inside BACKUP_JOB_COMPLETED and
 * RESTORE_JOB_COMPLETED (the message's State is FAILED, ABORTED or EXPIRED): BACKUP_JOB_FAILED and
 * RESTORE_JOB_FAILED are deprecated and never fire. RECOVERY_POINT_MODIFIED catches lifecycle changes,
 * the first step of an attempt to shorten retention.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
 */
export const VAULT_NOTIFICATION_EVENTS = [
  "BACKUP_JOB_COMPLETED",
  "COPY_JOB_FAILED",
  "RESTORE_JOB_COMPLETED",
  "RECOVERY_POINT_MODIFIED",
] as const;

/** AWS-managed policies the backup role needs: take and copy RDS snapshots, restore them (tests, DR). */
export const BACKUP_ROLE_MANAGED_POLICIES = [
  "service-role/AWSBackupServiceRolePolicyForBackup",
  "service-role/AWSBackupServiceRolePolicyForRestores",
] as const;

/**
 * Actions denied to every principal on every vault: deleting a recovery point or shortening its
 * lifecycle. Lifecycle expiry by AWS Backup itself is not an API call and is unaffected. We do not
 * deny backup:PutBackupVaultAccessPolicy: that would lock Pulumi (and incident responders) out of the
 * policy forever; changing it is a reviewed change that CloudTrail records.
 */
export const DENIED_RECOVERY_POINT_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
] as const;

/**
 * Restore testing: runs on the 15th of each month at 10:00 UTC (away from the 1st, when the monthly
 * rule runs, and from the backup and maintenance windows) and restores the latest snapshot of the
 * last 7 days; no snapshot in 7 days fails the test, which is itself an alarm.
 */
export const RESTORE_TEST_SCHEDULE = "cron(0 10 15 * ? *)";
export const RESTORE_TEST_SELECTION_WINDOW_DAYS = 7;
/** Hours AWS Backup has to start the restore test. */
export const RESTORE_TEST_START_WINDOW_HOURS = 8;
/** Hours the restored copy is kept for validation before AWS Backup deletes it (cost: one instance-hour). */
export const RESTORE_TEST_VALIDATION_WINDOW_HOURS = 1;
