export * from "./hardening";
export * from "./instance";
export * from "./masterSecretRotation";
export * from "./parameterGroup";
export * from "./parameters";
export * from "./readReplica";
