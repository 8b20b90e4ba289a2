// A metric tile's bad items on the board (docs/evidence.md): fetched from the read API with the board's token
// in the Authorization header, and described in the board's language. Pure words here; board.js draws them.
import { formatValue } from "./i18n.js";

const WORDS = {
  "zh-CN": {
    title: (metric) => `${metric}：不合格明细（最新在前）`,
    loading: "加载中…",
    none: "当前窗口内没有不合格项",
    failed: (status) => `无法加载明细（${status}）`,
    countsOn: "计入",
    leavesOn: "移出",
    without: (id, value, dim, score) => `剔除 ${id} 后指标为 ${value}${dim ? `，${dim} ${score}` : score ? `，总分 ${score}` : ""}`,
    more: (shown, total) => `显示 ${shown} / ${total} 项`,
    close: "关闭",
  },
  en: {
    title: (metric) => `${metric}: bad items, newest first`,
    loading: "Loading…",
    none: "No bad items in the current window",
    failed: (status) => `Could not load the items (${status})`,
    countsOn: "counts on",
    leavesOn: "leaves on",
    without: (id, value, dim, score) =>
      `without ${id} the value is ${value}${dim ? ` and ${dim} ${score}` : score ? ` and the score ${score}` : ""}`,
    more: (shown, total) => `showing ${shown} of ${total}`,
    close: "Close",
  },
};

export function evidenceStrings(lang) {
  return WORDS[lang] ?? WORDS.en;
}

/** The read API's address of a metric's bad items (the shop key is `platform:shopId`). */
export function badItemsUrl(shopKey, metric, limit = 50) {
  const i = shopKey.indexOf(":");
  const platform = encodeURIComponent(shopKey.slice(0, i));
  const shopId = encodeURIComponent(shopKey.slice(i + 1));
  return `/v1/shops/${platform}/${shopId}/metrics/${encodeURIComponent(metric)}/items?outcome=bad&limit=${limit}`;
}

/** Fetches one page of bad items; resolves `{ok, page}` or `{ok: false, status}`, never throws. */
export async function fetchBadItems(token, shopKey, metric) {
  try {
    const res = await fetch(badItemsUrl(shopKey, metric), { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    if (!res.ok) return { ok: false, status: res.status };
    return { ok: true, page: await res.json() };
  } catch {
    return { ok: false, status: "network" };
  }
}

/**
 * One bad item in words: its id, why (in the board's language), the days, and its cost ("without order A123
 * the rate is 95.2% and 物流体验 90").
 */
export function itemWords(lang, item, unit) {
  const w = evidenceStrings(lang);
  const id = item.consumerId ? `${item.consumerId} ${item.id}` : item.id;
  const why = item.why?.[lang] ?? item.why?.en ?? "";
  const days = `${w.countsOn} ${item.countsOn}${item.leavesOn ? ` · ${w.leavesOn} ${item.leavesOn}` : ""}`;
  const c = item.cost;
  const score = c?.dimensionWithout ?? c?.scoreWithout;
  const cost =
    c === undefined
      ? null
      : w.without(
          id,
          formatValue(lang, unit, c.valueWithout),
          c.dimension && c.dimensionWithout != null ? c.dimension : null,
          score == null ? null : String(Math.round(score * 100) / 100),
        );
  return { id, why, days, cost };
}
