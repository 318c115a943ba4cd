export * from "./backupPlan";
export * from "./backupVault";
export * from "./crossRegionBackups";
export * from "./defaults";
export * from "./restoreTesting";
export * from "./rules";
export * from "./runbookCommands";
export * from "./schedule";
