export * from "./instance";
export * from "./parameterGroup";
export * from "./parameters";
export * from "./readReplica";
