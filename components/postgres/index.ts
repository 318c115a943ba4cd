export * from "./accessModel";
export * from "./accessSql";
export * from "./databaseAccess";
export * from "./provider";
export * from "./roleSecret";
export * from "./roleSettings";
export * from "./rotationFunction";
export * from "./scram";
