export * from "./pgbouncerConfig";
export * from "./pgbouncerService";
export * from "./poolSettings";
export * from "./rdsProxy";
