export * from "./pgbouncerConfig";
export * from "./pgbouncerService";
export * from "./poolerCertificate";
export * from "./poolSettings";
export * from "./rdsProxy";
