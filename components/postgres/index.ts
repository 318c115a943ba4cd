export * from "./accessModel";
export * from "./accessSql";
export * from "./columnKeySecret";
export * from "./databaseOps";
export * from "./dbopsBundle";
export * from "./roleSecret";
export * from "./scram";
