/**
 * The pack's roster: every rule it runs, in the order RULES.md and the reports list them. Adding a rule
 * is a line here and a line in test/policies/roster.test.ts, so the change shows in review.
 */

import type { PolicyRule } from "./lib/types";
import { backupCrossRegionCopy } from "./rules/backup/backupCrossRegionCopy";
import { backupDailyRetention } from "./rules/backup/backupDailyRetention";
import { backupRdsSelected } from "./rules/backup/backupRdsSelected";
import { backupRestoreTesting } from "./rules/backup/backupRestoreTesting";
import { backupVaultEncrypted } from "./rules/backup/backupVaultEncrypted";
import { backupVaultLockCompliance } from "./rules/backup/backupVaultLockCompliance";
import { backupVaultLocked } from "./rules/backup/backupVaultLocked";
import { alarmActions } from "./rules/cloudwatch/alarmActions";
import { logGroupEncrypted } from "./rules/cloudwatch/logGroupEncrypted";
import { logGroupRetention } from "./rules/cloudwatch/logGroupRetention";
import { dbSecurityGroupIngress } from "./rules/ec2/dbSecurityGroupIngress";
import { sgNoPublicIngress } from "./rules/ec2/sgNoPublicIngress";
import { vpcDefaultSecurityGroupClosed } from "./rules/ec2/vpcDefaultSecurityGroupClosed";
import { ecsLogsEncrypted } from "./rules/ecs/ecsLogsEncrypted";
import { ecsNonRootUser } from "./rules/ecs/ecsNonRootUser";
import { ecsNoPublicIp } from "./rules/ecs/ecsNoPublicIp";
import { ecsNoSecretEnvironment } from "./rules/ecs/ecsNoSecretEnvironment";
import { ecsNotPrivileged } from "./rules/ecs/ecsNotPrivileged";
import { ecsReadOnlyRootFilesystem } from "./rules/ecs/ecsReadOnlyRootFilesystem";
import { iamNoInlinePolicy } from "./rules/iam/iamNoInlinePolicy";
import { kmsDeletionWindow } from "./rules/kms/kmsDeletionWindow";
import { kmsKeyRotation } from "./rules/kms/kmsKeyRotation";
import { kmsNoPolicyLockoutBypass } from "./rules/kms/kmsNoPolicyLockoutBypass";
import { kmsNoWildcardPrincipal } from "./rules/kms/kmsNoWildcardPrincipal";
import { lambdaInVpcWithLogGroup } from "./rules/lambda/lambdaInVpcWithLogGroup";
import { rdsAutoMinorVersionUpgrade } from "./rules/rds/rdsAutoMinorVersionUpgrade";
import { rdsBackupRetention } from "./rules/rds/rdsBackupRetention";
import { rdsCopyTagsToSnapshot } from "./rules/rds/rdsCopyTagsToSnapshot";
import { rdsCrossRegionBackupReplication } from "./rules/rds/rdsCrossRegionBackupReplication";
import { rdsCurrentCa } from "./rules/rds/rdsCurrentCa";
import { rdsCustomerManagedKey } from "./rules/rds/rdsCustomerManagedKey";
import { rdsCustomParameterGroup } from "./rules/rds/rdsCustomParameterGroup";
import { rdsDeletionProtection } from "./rules/rds/rdsDeletionProtection";
import { rdsEnhancedMonitoring } from "./rules/rds/rdsEnhancedMonitoring";
import { rdsFinalSnapshot } from "./rules/rds/rdsFinalSnapshot";
import { rdsIamAuthentication } from "./rules/rds/rdsIamAuthentication";
import { rdsKeepAutomatedBackups } from "./rules/rds/rdsKeepAutomatedBackups";
import { rdsLogExports } from "./rules/rds/rdsLogExports";
import { rdsManagedMasterPassword } from "./rules/rds/rdsManagedMasterPassword";
import { rdsMultiAz } from "./rules/rds/rdsMultiAz";
import { rdsNotPubliclyAccessible } from "./rules/rds/rdsNotPubliclyAccessible";
import { rdsParamConnectionLogging } from "./rules/rds/rdsParamConnectionLogging";
import { rdsParamForceSsl } from "./rules/rds/rdsParamForceSsl";
import { rdsParamMinTls } from "./rules/rds/rdsParamMinTls";
import { rdsParamPgaudit } from "./rules/rds/rdsParamPgaudit";
import { rdsParamScram } from "./rules/rds/rdsParamScram";
import { rdsParamStatementLogging } from "./rules/rds/rdsParamStatementLogging";
import { rdsPerformanceInsightsEncrypted } from "./rules/rds/rdsPerformanceInsightsEncrypted";
import { rdsProxyDebugLoggingOff } from "./rules/rds/rdsProxyDebugLoggingOff";
import { rdsProxyRequireTls } from "./rules/rds/rdsProxyRequireTls";
import { rdsProxyScramAuth } from "./rules/rds/rdsProxyScramAuth";
import { rdsProxySecretsAuth } from "./rules/rds/rdsProxySecretsAuth";
import { rdsStorageEncrypted } from "./rules/rds/rdsStorageEncrypted";
import { secretCustomerManagedKey } from "./rules/secretsmanager/secretCustomerManagedKey";
import { secretRecoveryWindow } from "./rules/secretsmanager/secretRecoveryWindow";
import { secretRotation } from "./rules/secretsmanager/secretRotation";
import { secretVersionNoPassword } from "./rules/secretsmanager/secretVersionNoPassword";
import { snsTopicEncrypted } from "./rules/sns/snsTopicEncrypted";
import { snsTopicSubscribed } from "./rules/sns/snsTopicSubscribed";
import { noDatabaseProviderFromDeployer } from "./rules/stack/noDatabaseProviderFromDeployer";
import { noPlaintextSecrets } from "./rules/stack/noPlaintextSecrets";
import { prodStatefulProtected } from "./rules/stack/prodStatefulProtected";
import { rdsAlarmCoverage } from "./rules/stack/rdsAlarmCoverage";

export const RULES: readonly PolicyRule[] = [
  rdsStorageEncrypted,
  rdsCustomerManagedKey,
  rdsNotPubliclyAccessible,
  rdsIamAuthentication,
  rdsLogExports,
  rdsEnhancedMonitoring,
  rdsMultiAz,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsAutoMinorVersionUpgrade,
  rdsPerformanceInsightsEncrypted,
  rdsCurrentCa,
  rdsCustomParameterGroup,
  rdsManagedMasterPassword,
  rdsCopyTagsToSnapshot,
  rdsFinalSnapshot,
  rdsKeepAutomatedBackups,
  rdsCrossRegionBackupReplication,
  rdsParamForceSsl,
  rdsParamMinTls,
  rdsParamScram,
  rdsParamStatementLogging,
  rdsParamConnectionLogging,
  rdsParamPgaudit,
  rdsProxyRequireTls,
  rdsProxyDebugLoggingOff,
  rdsProxyScramAuth,
  rdsProxySecretsAuth,
  kmsDeletionWindow,
  kmsKeyRotation,
  kmsNoPolicyLockoutBypass,
  kmsNoWildcardPrincipal,
  iamNoInlinePolicy,
  secretCustomerManagedKey,
  secretRecoveryWindow,
  secretRotation,
  alarmActions,
  logGroupEncrypted,
  logGroupRetention,
  lambdaInVpcWithLogGroup,
  snsTopicEncrypted,
  snsTopicSubscribed,
  dbSecurityGroupIngress,
  sgNoPublicIngress,
  vpcDefaultSecurityGroupClosed,
  ecsLogsEncrypted,
  ecsNoPublicIp,
  ecsNoSecretEnvironment,
  ecsNonRootUser,
  ecsNotPrivileged,
  ecsReadOnlyRootFilesystem,
  backupDailyRetention,
  backupRdsSelected,
  backupVaultEncrypted,
  backupVaultLocked,
  backupVaultLockCompliance,
  backupCrossRegionCopy,
  backupRestoreTesting,
  noPlaintextSecrets,
  secretVersionNoPassword,
  noDatabaseProviderFromDeployer,
  prodStatefulProtected,
  rdsAlarmCoverage,
];
