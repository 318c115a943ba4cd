export * from "./kms";
export * from "./network";
export * from "./rds";
