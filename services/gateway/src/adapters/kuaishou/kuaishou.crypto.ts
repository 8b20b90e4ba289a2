import { createCipheriv } from "node:crypto";

/** The platform side of the push encryption: Base64(AES-CBC(PKCS5, zero IV)). Used by tests and tools. */
export function encryptKuaishou(plaintext: string, key: Buffer): string {
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16, 0));
  return Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}
