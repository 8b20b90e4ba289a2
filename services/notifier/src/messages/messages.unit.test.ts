import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { content } from "../../testing/content.js";
import { record } from "../../testing/fixtures.js";
import { formatDeadline, formatValue } from "./format.js";
import { renderTemplate } from "./render.js";
import { LANGUAGES, loadTemplates } from "./templates.js";
import { plainText } from "./untrusted.js";

const packsDir = fileURLToPath(new URL("../../../../shared/rules/packs/", import.meta.url));
const packMetrics = readdirSync(packsDir)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => Object.keys((JSON.parse(readFileSync(`${packsDir}${f}`, "utf8")) as { metrics: Record<string, unknown> }).metrics));

describe("renderTemplate", () => {
  it("fills placeholders and drops lines whose value is missing", () => {
    expect(renderTemplate("a {{x}}\n- b {{y}}\nc", { x: 1, y: undefined })).toBe("a 1\nc");
    expect(renderTemplate("{{ x }}{{x}}", { x: "{{x}}" })).toBe("{{x}}{{x}}");
    expect(renderTemplate("v={{x}}", { x: 0 })).toBe("v=0");
  });
});

describe("templates", () => {
  it("name every metric of every rule pack, in every language", () => {
    expect(packMetrics.length).toBeGreaterThan(20);
    for (const lang of LANGUAGES) {
      const missing = packMetrics.filter((m) => !loadTemplates(lang).metrics[m]);
      expect(missing, lang).toEqual([]);
    }
    expect(loadTemplates("zh-CN").metrics.human_reply_3min_rate?.name).toBe("人工3分钟回复率");
    expect(loadTemplates("zh-CN").metrics.pickup_24h_rate?.name).toBe("24小时揽收率");
  });

  it("formats values in their unit, ratios as percentages", () => {
    const s = loadTemplates("zh-CN").strings;
    expect(formatValue(0.6834, "ratio", s)).toBe("68.34%");
    expect(formatValue(0.0035, "ratio", s)).toBe("0.35%");
    expect(formatValue(26.46, "hours", s)).toBe("26.5 小时");
    expect(formatValue(3, "count", s)).toBe("3");
    expect(formatValue(null, "ratio", s)).toBeUndefined();
    expect(formatDeadline("2026-11-20T14:02:10+08:00", "2026-11-20T14:00:00+08:00")).toBe("14:02:10");
    expect(formatDeadline("2026-11-21T06:02:10Z", "2026-11-20T14:00:00+08:00")).toBe("11-21 14:02:10");
  });
});

describe("composed messages", () => {
  it("state shop, platform, metric, value against threshold and target, headroom, rule pack and dashboard", () => {
    const c = content([record({ severity: "warning", value: 0.8, headroom: 3 })]);
    const text = plainText([c.header, ...c.items, c.footer].join("\n"));
    expect(plainText(c.title)).toBe("警告｜快手 s1 人工3分钟回复率");
    for (const part of [
      "店铺：s1（快手）",
      "当前值：**80%**",
      "平台线：≥ 70%",
      "目标线：≥ 85%",
      "还可承受 3 次超时",
      "规则包：kuaishou@2023-03",
      "/d/scoreguard-shop?var-shop=kuaishou%3As1",
    ]) {
      expect(text).toContain(part);
    }
  });

  it("for at_risk, state the due count, the soonest deadline and the projected value", () => {
    const c = content([
      record({ kind: "at_risk", severity: "warning", dueCount: 3, soonestDeadline: "2026-11-20T14:02:10+08:00", projectedValue: 0.68 }),
    ]);
    const item = plainText(c.items[0] ?? "");
    expect(item).toContain("即将到期：3 个咨询待回复，最早截止 14:02:10");
    expect(item).toContain("若全部超时，将降至 **68%**");
  });

  it("have an English version", () => {
    const c = content([record({ headroom: 2, value: 0.72, severity: "warning" })], {}, "en");
    expect(c.items[0]).toContain("Headroom: can take 2 more missed replies");
  });
});
