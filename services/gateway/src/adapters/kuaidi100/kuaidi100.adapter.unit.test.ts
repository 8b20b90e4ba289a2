import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { kuaidi100CallbackUrl, kuaidi100Sign, mapKuaidi100, verifyKuaidi100, type OrderRef } from "./kuaidi100.adapter.js";
import { KUAIDI100_SALT, LINES, form, param } from "../../../testing/kuaidi100.fixtures.js";

const REF: OrderRef = { platform: "douyin", shopId: "4463798", orderId: "4930271960384902185" };
const RECEIVED = Date.parse("2026-11-25T12:00:00+08:00");

function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

/** The waybill of the fixtures' pushes. */
const WAYBILL = { com: "yuantong", nu: "YT9876543210123" };
const QUERY = queryOf(kuaidi100CallbackUrl("https://gw.example/webhooks/kuaidi100", KUAIDI100_SALT, { ...REF, ...WAYBILL }));

describe("verifyKuaidi100", () => {
  it("signs as uppercase md5(param + salt)", () => {
    expect(kuaidi100Sign("{}", "s")).toBe(createHash("md5").update("{}s").digest("hex").toUpperCase());
  });

  it("accepts a signed push for the order named in its callback URL", () => {
    const p = param("1", [LINES.collected]);
    expect(verifyKuaidi100(new URLSearchParams(form(p)), QUERY, KUAIDI100_SALT)).toEqual({ ok: true, param: p, ref: REF });
  });

  it("refuses a bad sign, a sign over another param, or a missing param", () => {
    const p = param("1", [LINES.collected]);
    expect(verifyKuaidi100(new URLSearchParams(form(p, "other-salt")), QUERY, KUAIDI100_SALT)).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    const other = param("3", [LINES.signed]);
    expect(
      verifyKuaidi100(new URLSearchParams(form(other, KUAIDI100_SALT, kuaidi100Sign(p, KUAIDI100_SALT))), QUERY, KUAIDI100_SALT),
    ).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyKuaidi100(new URLSearchParams("sign=x"), QUERY, KUAIDI100_SALT)).toMatchObject({ ok: false, reason: "invalid_request" });
  });

  it("refuses a push moved onto another order by editing the callback query", () => {
    const p = param("1", [LINES.collected]);
    expect(verifyKuaidi100(new URLSearchParams(form(p)), { ...QUERY, orderId: "other" }, KUAIDI100_SALT)).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyKuaidi100(new URLSearchParams(form(p)), { ...QUERY, platform: "taobao" }, KUAIDI100_SALT)).toMatchObject({
      ok: false,
      reason: "invalid_request",
    });
  });
});

describe("verifyKuaidi100: the push is bound to the callback's waybill", () => {
  const verify = (p: string, query = QUERY) => verifyKuaidi100(new URLSearchParams(form(p)), query, KUAIDI100_SALT);
  const withLast = (last: Record<string, unknown>, over: Record<string, unknown> = {}) => {
    const doc = JSON.parse(param("1", [LINES.collected])) as { lastResult: Record<string, unknown> };
    return JSON.stringify({ ...doc, ...over, lastResult: { ...doc.lastResult, ...last } });
  };

  it("refuses a signed push that reports another tracking number than the callback's nu", () => {
    expect(verify(withLast({ nu: "YT0000000000001" }))).toEqual({
      ok: false,
      reason: "bad_signature",
      message: "param.lastResult.nu is another waybill than the callback's nu",
    });
  });

  it("refuses another carrier, unless 快递100 corrected the subscribed one (comOld → comNew)", () => {
    expect(verify(withLast({ com: "zhongtong" }))).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verify(withLast({ com: "zhongtong" }, { autoCheck: "1", comOld: "yuantong", comNew: "zhongtong" }))).toMatchObject({ ok: true });
    expect(verify(withLast({ com: "zhongtong" }, { autoCheck: "1", comOld: "shentong", comNew: "zhongtong" }))).toMatchObject({
      ok: false,
    });
  });

  it("compares tracking numbers without regard to case or surrounding spaces", () => {
    expect(verify(withLast({ nu: " yt9876543210123 " }))).toMatchObject({ ok: true });
  });

  it("refuses a callback URL without its waybill, or whose waybill was edited", () => {
    const { nu: _nu, ...noNu } = QUERY;
    expect(verify(param("1", [LINES.collected]), noNu)).toMatchObject({ ok: false, reason: "invalid_request" });
    expect(verify(withLast({ nu: "YT0000000000001" }), { ...QUERY, nu: "YT0000000000001" })).toMatchObject({
      ok: false,
      reason: "bad_signature",
      message: "ref does not match platform, shopId, orderId, com and nu",
    });
  });
});

describe("mapKuaidi100", () => {
  const mapped = (p: string) => {
    const r = mapKuaidi100(p, REF, RECEIVED);
    if (r.outcome !== "mapped") throw new Error(JSON.stringify(r));
    return r.events;
  };

  it("maps collected (1) to logistics.picked_up at the collection line", () => {
    expect(mapped(param("1", [LINES.collected]))).toEqual([
      {
        id: "kuaidi100:yuantong:YT9876543210123:picked_up",
        type: "logistics.picked_up",
        platform: "douyin",
        shopId: "4463798",
        orderId: "4930271960384902185",
        at: "2026-11-23T18:00:00+08:00",
      },
    ]);
  });

  it("maps signed (3, 301…) to logistics.signed at the newest line, with the pickup", () => {
    for (const state of ["3", "301", "311"]) {
      const events = mapped(param(state, [LINES.signed, LINES.transit, LINES.collected]));
      expect(events.map((e) => [e.type, e.at])).toEqual([
        ["logistics.picked_up", "2026-11-23T18:00:00+08:00"],
        ["logistics.signed", "2026-11-25T10:30:00+08:00"],
      ]);
    }
  });

  it("maps other states to logistics.updated, one id per track line", () => {
    const a = mapped(param("0", [LINES.transit, LINES.collected]));
    expect(a.map((e) => e.type)).toEqual(["logistics.picked_up", "logistics.updated"]);
    expect(a[1]!.id).toBe(`kuaidi100:yuantong:YT9876543210123:updated:${Date.parse("2026-11-24T02:00:00+08:00")}`);
    expect(mapped(param("5", [LINES.transit, LINES.collected]))[1]!.type).toBe("logistics.updated");
    // The same push again: the same ids.
    expect(mapped(param("0", [LINES.transit, LINES.collected]))).toEqual(a);
  });

  it("ignores pushes before collection and abort notices without a result", () => {
    expect(mapKuaidi100(param("10", []), REF, RECEIVED).outcome).toBe("ignored");
    expect(mapKuaidi100(JSON.stringify({ status: "abort", message: "3天查询无记录" }), REF, RECEIVED).outcome).toBe("ignored");
  });

  it("names bad fields", () => {
    expect(mapKuaidi100("{bad", REF, RECEIVED)).toMatchObject({ outcome: "invalid", problems: [{ field: "param" }] });
    expect(mapKuaidi100(JSON.stringify({ lastResult: { data: [] } }), REF, RECEIVED)).toEqual({
      outcome: "invalid",
      problems: [
        { field: "param.lastResult.state", reason: "is required" },
        { field: "param.lastResult.nu", reason: "is required" },
      ],
    });
  });
});
