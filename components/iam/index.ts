export * from "./assumeRolePolicy";
export * from "./managedPolicy";
export * from "./secretsAccess";
