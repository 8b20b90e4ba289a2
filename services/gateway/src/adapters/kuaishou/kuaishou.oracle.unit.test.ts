import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BASE_CONFIG, testGateway } from "../../../testing/test-support.js";
import { KUAISHOU_KEY, KUAISHOU_SECRET, encrypted, envelope, orderInfo } from "../../../testing/kuaishou.fixtures.js";

/**
 * Every way a Kuaishou push can fail to open answers identically (status, headers, body), so a
 * forger flipping ciphertext bits learns nothing about the padding or the plaintext.
 */
const gateway = () => testGateway({ config: { ...BASE_CONFIG, platforms: { kuaishou: { messageSecret: KUAISHOU_SECRET } } } });
const send = (gw: ReturnType<typeof gateway>, body: string) =>
  gw.app.inject({ method: "POST", url: "/webhooks/kuaishou", headers: { "content-type": "text/plain" }, payload: body });

/** Encrypts raw bytes with no padding added (so a test chooses the padding itself). */
function rawEncrypt(plain: Buffer): string {
  const c = createCipheriv("aes-256-cbc", KUAISHOU_KEY, Buffer.alloc(16, 0));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString("base64");
}
const padded = (text: Buffer) => {
  const n = 16 - (text.length % 16);
  return Buffer.concat([text, Buffer.alloc(n, n)]);
};

/** What a sender can observe of an answer: status, headers that are not per request, body. */
async function observed(gw: ReturnType<typeof gateway>, body: string) {
  const res = await send(gw, body);
  const { date: _d, "x-request-id": _r, ...headers } = res.headers;
  return JSON.stringify({ status: res.statusCode, headers, body: res.body });
}

describe("POST /webhooks/kuaishou: no padding oracle", () => {
  const failures: Array<[string, string]> = [
    ["a bad padding (last byte 0)", rawEncrypt(Buffer.concat([Buffer.from("{}"), Buffer.alloc(14, 0)]))],
    ["a bad padding (byte 17)", rawEncrypt(Buffer.alloc(16, 17))],
    ["a bad padding (inconsistent bytes)", rawEncrypt(Buffer.concat([Buffer.from("{}xxxxxxxxxxx"), Buffer.from([2, 3, 3])]))],
    ["a valid padding over non-UTF-8 bytes", rawEncrypt(padded(Buffer.from([0xff, 0xfe, 0x7b])))],
    ["a valid padding over malformed JSON", encrypted('{"event":')],
    ["a valid padding over JSON that is not an object", encrypted("[1,2]")],
    ["a valid padding over an envelope without ids", encrypted('{"event":"kwaishop_order_paySuccess"}')],
    [
      "another key's ciphertext",
      (() => {
        const c = createCipheriv("aes-256-cbc", Buffer.alloc(32, 9), Buffer.alloc(16, 0));
        return Buffer.concat([c.update(envelope("kwaishop_order_paySuccess", orderInfo())), c.final()]).toString("base64");
      })(),
    ],
    ["not Base64", "%%%"],
    ["not whole blocks", Buffer.alloc(20, 1).toString("base64")],
  ];

  it("answers every failure with the same 400 decrypt_failed, headers and body", async () => {
    const gw = gateway();
    const answers = new Map<string, string>();
    for (const [name, body] of failures) answers.set(name, await observed(gw, body));
    const distinct = new Set(answers.values());
    expect(distinct.size, [...answers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n")).toBe(1);
    const only = JSON.parse([...distinct][0]!);
    expect(only.status).toBe(400);
    expect(JSON.parse(only.body)).toEqual({
      result: 0,
      error: "decrypt_failed",
      message: expect.stringContaining("configured message secret"),
    });
    expect(gw.sink.events).toEqual([]);
    expect(await gw.refusals("decrypt_failed")).toBe(failures.length);
  });

  it("gives a classic padding-oracle attack nothing: all 256 guesses of the last byte answer alike", async () => {
    // Attack shape: C' || C_target, varying the last byte of C'. A padding oracle answers differently when
    // the guess makes the padding valid (for one or more of the 256 values).
    const gw = gateway();
    const target = Buffer.from(encrypted(envelope("kwaishop_order_paySuccess", orderInfo())), "base64").subarray(0, 16);
    const answers = new Set<string>();
    for (let guess = 0; guess < 256; guess++) {
      const prefix = Buffer.alloc(16, 0x41);
      prefix[15] = guess;
      answers.add(await observed(gw, Buffer.concat([prefix, target]).toString("base64")));
    }
    expect(answers.size).toBe(1);
    expect(gw.sink.events).toEqual([]);
    expect(gw.sink.dead).toEqual([]);
  });

  it("still takes a genuine push", async () => {
    const gw = gateway();
    const res = await send(gw, encrypted(envelope("kwaishop_order_paySuccess", orderInfo())));
    expect(res.json()).toEqual({ result: 1 });
    expect(gw.sink.events).toHaveLength(1);
  });
});
