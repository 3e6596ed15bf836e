import { serializeError } from "./logger";

describe("serializeError", () => {
  it("should keep type, message, stack and safe pg fields but drop attached objects when a driver error carries a client", () => {
    const error = Object.assign(new Error("duplicate key value violates unique constraint"), {
      code: "23505",
      constraint: "uq_profile_identifier",
      detail: "Key (value)=(alice@example.com) already exists.",
      client: { connectionParameters: { password: "secret" } },
    });
    const out = serializeError(error) as Record<string, unknown>;
    expect(out).toMatchObject({ type: "Error", message: "duplicate key value violates unique constraint", code: "23505", constraint: "uq_profile_identifier" });
    expect(out.stack).toEqual(expect.any(String));
    expect(out).not.toHaveProperty("client");
    expect(out).not.toHaveProperty("detail");
  });

  it("should serialize the cause chain when an error wraps another", () => {
    const out = serializeError(new Error("outer", { cause: new TypeError("inner") })) as { cause: Record<string, unknown> };
    expect(out.cause).toMatchObject({ type: "TypeError", message: "inner" });
  });

  it("should pass non-errors through unchanged when something other than an Error is logged", () => {
    expect(serializeError("plain")).toBe("plain");
  });
});
