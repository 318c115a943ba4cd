export * from "./databaseNetwork";
