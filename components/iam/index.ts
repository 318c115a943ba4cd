export * from "./assumeRolePolicy";
export * from "./managedPolicy";
