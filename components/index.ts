export * from "./kms";
export * from "./network";
export * from "./pooling";
export * from "./rds";
