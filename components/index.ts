export * from "./backup";
export * from "./iam";
export * from "./kms";
export * from "./monitoring";
export * from "./network";
export * from "./pooling";
export * from "./postgres";
export * from "./rds";
