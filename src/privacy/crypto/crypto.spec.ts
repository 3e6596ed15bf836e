import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { BlindIndex, normalizeIdentifier } from "./blind-index";
import { DecryptionError, FieldCipher } from "./field-cipher";
import { IdentifierCodec } from "./identifier-codec";

const key = () => randomBytes(32).toString("base64");

describe("FieldCipher", () => {
  it("should round-trip any unicode text when encrypting and decrypting", () => {
    const cipher = new FieldCipher([key()]);
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), fc.string({ maxLength: 40 }), (text, aad) => cipher.decrypt(cipher.encrypt(text, aad), aad) === text), { numRuns: 200 });
  });

  it("should produce a different token each time when the same value is encrypted twice", () => {
    const cipher = new FieldCipher([key()]);
    expect(cipher.encrypt("a@b.c")).not.toBe(cipher.encrypt("a@b.c"));
    expect(FieldCipher.isToken(cipher.encrypt("a@b.c"))).toBe(true);
  });

  it("should refuse a token when it is tampered with, moved to another row or made with an unknown key", () => {
    const cipher = new FieldCipher([key()]);
    const token = cipher.encrypt("alice@example.com", "ws1|email");
    // One character of the tag changed (the second-to-last: the last may carry unused bits).
    const at = token.length - 2;
    const flipped = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    expect(flipped).not.toBe(token);
    expect(() => cipher.decrypt(flipped, "ws1|email")).toThrow(DecryptionError);
    expect(() => cipher.decrypt(token, "ws2|email")).toThrow(DecryptionError);
    expect(() => new FieldCipher([key()]).decrypt(token, "ws1|email")).toThrow(/no configured key/);
    expect(() => cipher.decrypt("plain text")).toThrow(DecryptionError);
  });

  it("should decrypt old tokens and re-encrypt them under the newest key when keys rotate", () => {
    const oldKey = key();
    const before = new FieldCipher([oldKey]);
    const token = before.encrypt("+44 20 7946 0000", "aad");
    const after = new FieldCipher([key(), oldKey]);
    expect(after.needsRotation(token)).toBe(true);
    const rotated = after.reencrypt(token, "aad");
    expect(after.needsRotation(rotated)).toBe(false);
    expect(after.decrypt(rotated, "aad")).toBe("+44 20 7946 0000");
    expect(after.reencrypt(rotated, "aad")).toBe(rotated);
  });

  it("should reject keys when they are not 32 bytes", () => {
    expect(() => new FieldCipher([Buffer.alloc(16).toString("base64")])).toThrow(/32 bytes/);
    expect(() => new FieldCipher([])).toThrow();
  });
});

describe("BlindIndex", () => {
  const secret = "s".repeat(40);

  it("should give equal tokens when identifiers differ only in case, spacing or phone punctuation", () => {
    const index = new BlindIndex(secret);
    expect(index.token("ws", "email", " Alice@Example.COM ")).toBe(index.token("ws", "email", "alice@example.com"));
    expect(index.token("ws", "phone", "+44 (20) 7946-0000")).toBe(index.token("ws", "phone", "+442079460000"));
    expect(BlindIndex.isToken(index.token("ws", "email", "x"))).toBe(true);
  });

  it("should differ when workspace, type, secret or purpose differ", () => {
    const index = new BlindIndex(secret);
    const t = index.token("ws", "email", "a@b.c");
    expect(index.token("ws2", "email", "a@b.c")).not.toBe(t);
    expect(index.token("ws", "user_id", "a@b.c")).not.toBe(t);
    expect(new BlindIndex("t".repeat(40)).token("ws", "email", "a@b.c")).not.toBe(t);
    expect(new BlindIndex(secret, "erasure").token("ws", "email", "a@b.c")).not.toBe(t);
  });

  it("should keep user ids as they are when normalizing", () => {
    expect(normalizeIdentifier("user_id", " U-1 ")).toBe("U-1");
  });
});

describe("IdentifierCodec", () => {
  const codec = new IdentifierCodec(new FieldCipher([randomBytes(32).toString("base64")]), new BlindIndex("s".repeat(40), "lookup"));

  it("should store sensitive identifiers as blind index plus ciphertext and reveal them when read", () => {
    const stored = codec.storedValue("ws", "email", "ada@example.com");
    expect(BlindIndex.isToken(stored)).toBe(true);
    const encrypted = codec.encrypt("ws", "email", "ada@example.com")!;
    expect(encrypted).not.toContain("ada");
    expect(codec.reveal("ws", "email", stored, encrypted)).toBe("ada@example.com");
    expect(() => codec.reveal("ws", "email", codec.storedValue("ws", "email", "eve@example.com"), encrypted)).toThrow(DecryptionError);
  });

  it("should keep other identifier types as they are", () => {
    expect(codec.storedValue("ws", "user_id", "u-1")).toBe("u-1");
    expect(codec.encrypt("ws", "user_id", "u-1")).toBeNull();
    expect(codec.reveal("ws", "user_id", "u-1", null)).toBe("u-1");
  });

  it("should leave a value that is already a blind index as it is when stored again", () => {
    const stored = codec.storedValue("ws", "phone", "+441234");
    expect(codec.storedValue("ws", "phone", stored)).toBe(stored);
    expect(codec.encrypt("ws", "phone", stored)).toBeNull();
  });
});
