import { describe, expect, it } from "vitest";
import { roleKinds } from "../../../components/postgres/accessModel";
import { eventKind, ROLE_KINDS_ENV, readEnvironment } from "../../../functions/dbops/handler";
import { managedRole, nextUsername } from "../../../functions/dbops/rotation";

const KINDS = {
  verscienta_owner: "owner",
  app_user: "app",
  analytics_readonly: "analytics",
  verscienta_monitor: "monitor",
} as const;

describe("eventKind", () => {
  it("dispatches apply, metrics and the four rotation steps", () => {
    expect(eventKind({ action: "apply", model: {}, masterSecretArn: "arn", roleSecretArns: {} })).toBe(
      "apply",
    );
    expect(eventKind({ action: "metrics" })).toBe("metrics");
    for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"])
      expect(eventKind({ SecretId: "arn", ClientRequestToken: "t", Step })).toBe("rotation");
  });

  it("fails when the event is none of them, naming only its keys", () => {
    expect(() => eventKind({ password: "hunter2", foo: 1 })).toThrow(
      /not an apply, metrics or rotation event \(keys: password, foo\)/,
    );
    expect(() => eventKind({ password: "hunter2" })).not.toThrow(/hunter2/);
    expect(() => eventKind({ SecretId: "a", ClientRequestToken: "t", Step: "dropSecret" })).toThrow(
      /event.Step: "dropSecret" is not a rotation step/,
    );
    expect(() => eventKind({ action: "apply" })).toThrow(/needs "model" and "masterSecretArn"/);
  });
});

describe("readEnvironment", () => {
  const env = {
    DB_HOST: "db.internal",
    DB_PORT: "5432",
    DB_NAME: "verscienta_health",
    DB_INSTANCE_IDENTIFIER: "verscienta-prod",
    MASTER_SECRET_ARN: "arn:master",
    MONITOR_SECRET_ARN: "arn:monitor",
    [ROLE_KINDS_ENV]: JSON.stringify(KINDS),
  };

  it("reads the stack's variables, defaulting the CA bundle to Lambda's", () => {
    expect(readEnvironment(env)).toEqual({
      target: {
        host: "db.internal",
        port: 5432,
        database: "verscienta_health",
        instanceIdentifier: "verscienta-prod",
      },
      caBundle: "/var/runtime/ca-cert.pem",
      masterSecretArn: "arn:master",
      monitorSecretArn: "arn:monitor",
      secretsEndpoint: undefined,
      roleKinds: KINDS,
    });
  });

  it("fails listing every missing or malformed variable", () => {
    expect(() => readEnvironment({ DB_PORT: "99999", [ROLE_KINDS_ENV]: '{"app_user":"admin"}' })).toThrow(
      /DB_HOST: is not set[\s\S]*DB_PORT: "99999" is not a TCP port[\s\S]*DB_NAME: is not set[\s\S]*DB_INSTANCE_IDENTIFIER: is not set[\s\S]*DB_ROLE_KINDS: .*role "app_user" has kind "admin"/,
    );
  });
});

describe("which secrets rotation manages", () => {
  it("maps a username to its role, a clone to its base, and alternates only app and analytics", () => {
    expect(managedRole("s", "app_user", KINDS)).toEqual({ base: "app_user", kind: "app", isClone: false });
    expect(managedRole("s", "app_user_clone", KINDS)).toEqual({
      base: "app_user",
      kind: "app",
      isClone: true,
    });
    expect(nextUsername(managedRole("s", "app_user", KINDS))).toBe("app_user_clone");
    expect(nextUsername(managedRole("s", "app_user_clone", KINDS))).toBe("app_user");
    expect(nextUsername(managedRole("s", "analytics_readonly", KINDS))).toBe("analytics_readonly_clone");
    expect(nextUsername(managedRole("s", "verscienta_owner", KINDS))).toBe("verscienta_owner");
    expect(nextUsername(managedRole("s", "verscienta_monitor", KINDS))).toBe("verscienta_monitor");
  });

  it("fails for a username that is not a model role, or the clone of a single-user role", () => {
    expect(() => managedRole("arn:x", "postgres", KINDS)).toThrow(
      /secret arn:x: username "postgres" is not a role this function manages/,
    );
    expect(() => managedRole("arn:x", "verscienta_owner_clone", KINDS)).toThrow(
      /is not a role this function manages/,
    );
  });

  it("lists the password roles only", () => {
    expect(
      roleKinds([
        { name: "a", kind: "app", iamAuth: true },
        { name: "o", kind: "owner", iamAuth: false },
      ]),
    ).toEqual({ o: "owner" });
  });
});
