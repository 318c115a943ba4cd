/**
 * The gRPC and protobuf modules exactly as the Pulumi SDK loads them: the generated stubs compare
 * message classes and channel options by identity, so the stand-in engine must use the SDK's own
 * copies of `@grpc/grpc-js` and `google-protobuf`, not whatever a hoisting change would resolve first.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

export const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
export const structpb = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
export const emptypb = sdkRequire("google-protobuf/google/protobuf/empty_pb") as typeof emptyTypes;

export type { grpcTypes };

/** The SDK's wire (de)serialisation, as its own mock monitor uses it. */
export const rpc = sdkRequire("./runtime/rpc") as {
  deserializeProperties(
    struct: structTypes.Struct | undefined,
    keepUnknowns?: boolean,
  ): Record<string, unknown>;
  serializeProperties(label: string, props: Record<string, unknown>): Promise<Record<string, unknown>>;
  readonly unknownValue: string;
};
