export * from "./assumeRolePolicy";
