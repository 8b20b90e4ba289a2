import { describe, expect, it } from "vitest";
import { BASE_CONFIG, testGateway } from "../../../testing/test-support.js";
import { kuaidi100CallbackUrl } from "./kuaidi100.adapter.js";
import { KUAIDI100_SALT, LINES, form, param } from "../../../testing/kuaidi100.fixtures.js";

const config = { ...BASE_CONFIG, platforms: { kuaidi100: { salt: KUAIDI100_SALT } } };
const REF = { platform: "douyin" as const, shopId: "4463798", orderId: "4930271960384902185" };
const WAYBILL = { com: "yuantong", nu: "YT9876543210123" };
const url = kuaidi100CallbackUrl("/webhooks/kuaidi100", KUAIDI100_SALT, { ...REF, ...WAYBILL });
const send = (gw: ReturnType<typeof testGateway>, body: string | Buffer, target = url) =>
  gw.app.inject({ method: "POST", url: target, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: body });

describe("POST /webhooks/kuaidi100", () => {
  it("verifies the sign, maps states to logistics events and answers the documented success", async () => {
    const gw = testGateway({ config });
    const res = await send(gw, form(param("3", [LINES.signed, LINES.transit, LINES.collected])));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ result: true, returnCode: "200", message: "成功" });
    expect(gw.sink.events.map((e) => [e.type, e.platform, e.shopId, "orderId" in e ? e.orderId : ""])).toEqual([
      ["logistics.picked_up", "douyin", "4463798", "4930271960384902185"],
      ["logistics.signed", "douyin", "4463798", "4930271960384902185"],
    ]);
  });

  it("refuses a wrong sign or an edited order reference with 401", async () => {
    const gw = testGateway({ config });
    expect((await send(gw, form(param("1", [LINES.collected]), "wrong-salt"))).statusCode).toBe(401);
    expect((await send(gw, form(param("1", [LINES.collected])), url.replace("4930271960384902185", "1"))).statusCode).toBe(401);
    expect(await gw.refusals("bad_signature")).toBe(2);
    expect(gw.sink.events).toEqual([]);
  });

  it("refuses a captured push replayed onto another order's callback URL with 401, producing nothing", async () => {
    const gw = testGateway({ config });
    const captured = form(param("3", [LINES.signed, LINES.collected]));
    // Another order of the same shop, subscribed with its own waybill: its callback URL is genuine.
    const other = kuaidi100CallbackUrl("/webhooks/kuaidi100", KUAIDI100_SALT, {
      ...REF,
      orderId: "4930271960384900000",
      com: "yuantong",
      nu: "YT1111111111111",
    });
    const res = await send(gw, captured, other);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ result: false, returnCode: "401" });
    expect(gw.sink.events).toEqual([]);
    expect(gw.sink.dead).toEqual([]);
    // The same push on its own order's URL is taken.
    expect((await send(gw, captured)).statusCode).toBe(200);
    expect(gw.sink.events.map((e) => ("orderId" in e ? e.orderId : ""))).toEqual([REF.orderId, REF.orderId]);
  });

  it("refuses a push without the order in its URL, or without param, with 400", async () => {
    const gw = testGateway({ config });
    expect((await send(gw, form(param("1", [LINES.collected])), "/webhooks/kuaidi100")).statusCode).toBe(400);
    expect((await send(gw, "sign=abc")).statusCode).toBe(400);
    expect((await send(gw, Buffer.from([0xff, 0x00]))).statusCode).toBe(400);
  });

  it("answers a failure when Kafka does not acknowledge", async () => {
    const gw = testGateway({ config });
    gw.sink.failNext();
    const res = await send(gw, form(param("1", [LINES.collected])));
    expect(res.statusCode).toBe(500);
    expect(res.json().result).toBe(false);
  });

  it("dead-letters a signed but malformed param", async () => {
    const gw = testGateway({ config });
    expect((await send(gw, form('{"lastResult":{"state":"1"'))).json().result).toBe(true);
    expect(gw.sink.dead).toHaveLength(1);
  });
});
