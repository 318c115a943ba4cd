export * from "./encryptionKey";
