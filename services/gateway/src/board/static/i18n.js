// Words and number formats of the board, zh-CN (default) and English. Pure: unit-tested in Node.

const EN_TITLES = {
  aftersale_rejection_rate: "After-sale rejection rate",
  aftersale_satisfaction_rate: "After-sale satisfaction",
  avg_response_seconds: "Average response time",
  awaiting_feedback_rate: "Awaiting-customer rate",
  bad_review_rate: "Bad review rate",
  delivery_hours: "Pickup-to-delivery time",
  first_response_30s_rate: "30 s first response rate",
  human_good_review_rate: "Agent good review rate",
  human_reply_3min_rate: "Human reply within 3 min",
  intervention_rate: "Platform intervention rate",
  merchant_dispute_rate: "Merchant-liable dispute rate",
  overdue_refund_count: "Overdue refunds",
  pickup_24h_rate: "Pickup within 24 h",
  platform_help_rate: "Platform help rate",
  quality_return_rate: "Quality return rate",
  refund_only_completion_hours: "Refund-only completion time",
  return_refund_completion_hours: "Return-refund completion time",
  service_process_20min_rate: "Processed within 20 min",
  service_review_20min_rate: "Reviewed within 20 min",
  service_score: "After-sale service score",
  session_unsatisfied_rate: "Unsatisfied session rate",
  shipping_negative_feedback_rate: "Shipping complaint rate",
  stalled_shipments: "Stalled shipments",
  // pdd@2026 and jd@2024 (rules-2026.md).
  in_transit_refund_hours: "In-transit refund time",
  refund_after_return_hours: "Refund time after return",
  shop_review_score: "Shop review score",
  aftersale_review_score: "After-sale review score",
  waybill_on_time_rate: "Waybills on time",
  ship_logistics_return_rate: "Shipping/logistics return rate",
};

/** What one "bad item" of a metric kind is called, for the headroom sentence. */
const BAD_ITEM = {
  "zh-CN": {
    reply_consumer_day: "次超时",
    first_response_sessions: "次超时",
    pickup_rate: "单揽收超时",
    first_review_rate: "个差评",
    rating_share: "个差评",
    business_time_rate: "单超时",
    avg_response_seconds: "次慢回复",
    quality_return_rate: "单品质退货",
    shipping_feedback_rate: "单物流负反馈",
    platform_help_rate: "单平台求助",
    aftersale_rejection_rate: "单售后拒绝",
    "*": "个不达标",
  },
  en: {
    reply_consumer_day: ["miss", "misses"],
    first_response_sessions: ["miss", "misses"],
    pickup_rate: ["late pickup", "late pickups"],
    first_review_rate: ["bad review", "bad reviews"],
    rating_share: ["bad rating", "bad ratings"],
    business_time_rate: ["late case", "late cases"],
    avg_response_seconds: ["slow reply", "slow replies"],
    quality_return_rate: ["quality return", "quality returns"],
    shipping_feedback_rate: ["shipping complaint", "shipping complaints"],
    platform_help_rate: ["platform help request", "platform help requests"],
    aftersale_rejection_rate: ["rejected after-sale", "rejected after-sales"],
    "*": ["bad item", "bad items"],
  },
};

const STRINGS = {
  "zh-CN": {
    title: "ScoreGuard 店铺看板",
    tokenPrompt: "输入 API 令牌（只保存在本浏览器）",
    tokenPlaceholder: "API 令牌",
    connect: "连接",
    forget: "退出令牌",
    badToken: "令牌无效，请重新输入",
    lang: "English",
    connecting: "连接中…",
    open: "实时",
    reconnecting: "连接断开，正在重连…",
    noShops: "此令牌可见的店铺还没有数据",
    truncated: (n) => `只显示前 ${n} 个店铺`,
    overview: "全部店铺",
    queue: "待处理队列",
    queueEmpty: "没有待处理事项",
    alerts: "正在告警",
    noAlerts: "没有告警",
    transitions: "最近变化",
    noTransitions: "暂无变化",
    pending: (n) => `${n} 项待处理`,
    firing: (n) => `${n} 条告警`,
    threshold: "红线",
    target: "目标",
    none: "无",
    asOf: "计算于",
    status: { ok: "正常", warning: "预警", breach: "越线", no_data: "无数据" },
    item: { consumer: "咨询", order: "订单", aftersale: "售后" },
    overdue: "已超时",
    kind: { threshold: "越线", at_risk: "即将越线", score: "分数线" },
    severity: { warning: "预警", critical: "严重" },
    firingWord: "开始告警",
    resolvedWord: "告警解除",
    back: "← 全部店铺",
    scoreCap: (n) => `得分上限 ${n}`,
    historyLine: (n, from, to) => `近 30 日每日收盘值（${from} 至 ${to}，${n} 日有数据）`,
    projectedLine: (from, to) => `虚线：${from} 至 ${to} 各日收盘预测（无新数据时，旧日移出窗口）`,
  },
  en: {
    title: "ScoreGuard shop board",
    tokenPrompt: "Enter an API token (kept in this browser only)",
    tokenPlaceholder: "API token",
    connect: "Connect",
    forget: "Forget token",
    badToken: "Unknown token, enter another",
    lang: "中文",
    connecting: "connecting…",
    open: "live",
    reconnecting: "disconnected, reconnecting…",
    noShops: "No shop this token can see has data yet",
    truncated: (n) => `Showing the first ${n} shops`,
    overview: "All shops",
    queue: "Live queue",
    queueEmpty: "Nothing pending",
    alerts: "Firing alerts",
    noAlerts: "No alert firing",
    transitions: "Recent transitions",
    noTransitions: "No transition yet",
    pending: (n) => `${n} pending`,
    firing: (n) => `${n} firing`,
    threshold: "line",
    target: "target",
    none: "none",
    asOf: "as of",
    status: { ok: "OK", warning: "warning", breach: "breach", no_data: "no data" },
    item: { consumer: "consultation", order: "order", aftersale: "after-sale" },
    overdue: "overdue",
    kind: { threshold: "breach", at_risk: "at risk", score: "score line" },
    severity: { warning: "warning", critical: "critical" },
    firingWord: "firing",
    resolvedWord: "resolved",
    back: "← All shops",
    scoreCap: (n) => `score capped at ${n}`,
    historyLine: (n, from, to) => `value at each day's end, last 30 days (${from} to ${to}; ${n} days with data)`,
    projectedLine: (from, to) => `dashed: projected day-ends ${from} to ${to} (nothing new happening, old days leaving the window)`,
  },
};

export const LANGS = ["zh-CN", "en"];

export function strings(lang) {
  return STRINGS[lang] ?? STRINGS["zh-CN"];
}

/** The identities of score alerts (not metrics of a pack). */
const SCORE_ALERT_TITLES = {
  "zh-CN": { score_total: "店铺得分", score_stars: "店铺星级" },
  en: { score_total: "Shop score", score_stars: "Star level" },
};

export function metricTitle(lang, name, meta) {
  const scoreTitle = SCORE_ALERT_TITLES[lang === "en" ? "en" : "zh-CN"][name];
  if (scoreTitle !== undefined) return scoreTitle;
  if (lang === "en") return EN_TITLES[name] ?? name.replace(/_/g, " ");
  return meta?.title ?? name;
}

/** A value in its unit: ratios as percentages, durations with their unit, counts as integers. */
export function formatValue(lang, unit, v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  switch (unit) {
    case "ratio": {
      const pct = v * 100;
      const digits = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1;
      return `${pct.toFixed(digits).replace(/\.0+$/, "")}%`;
    }
    case "hours":
      return lang === "en" ? `${v.toFixed(1)} h` : `${v.toFixed(1)} 小时`;
    case "seconds":
      return lang === "en" ? `${Math.round(v)} s` : `${Math.round(v)} 秒`;
    default:
      return String(Math.round(v * 100) / 100);
  }
}

const WINDOW_WORDS = {
  "zh-CN": { day: "今天", "30d": "30天内", month: "本月", now: "" },
  en: { day: "today", "30d": "in the 30-day window", month: "this month", now: "" },
};

/**
 * The headroom as a sentence: "2 more misses allowed today" / "今天还能再有 2 次超时". Null when the metric
 * reports none (no threshold, or no data yet).
 */
export function headroomWords(lang, headroom, meta) {
  if (headroom === undefined || headroom === null || meta === undefined) return null;
  const win = (WINDOW_WORDS[lang] ?? WINDOW_WORDS["zh-CN"])[meta.window] ?? "";
  if (lang === "en") {
    const [one, many] = BAD_ITEM.en[meta.kind] ?? BAD_ITEM.en["*"];
    if (headroom < 0) return "over the line";
    if (headroom === 0) return `no ${many} left ${win}`.trim();
    return `${headroom} more ${headroom === 1 ? one : many} allowed ${win}`.trim();
  }
  const noun = BAD_ITEM["zh-CN"][meta.kind] ?? BAD_ITEM["zh-CN"]["*"];
  if (headroom < 0) return "已越过红线";
  if (headroom === 0) return `${win}已无余量，再有 1 ${noun}即越线`;
  return `${win}还能再有 ${headroom} ${noun}`;
}

/** A countdown: "2:35", "1:02:05", or with days "1天 02:05:00" / "1d 02:05:00". */
export function formatCountdown(lang, ms) {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  let out = h > 0 || d > 0 ? `${d > 0 ? two(h) : h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
  if (d > 0) out = `${d}${lang === "en" ? "d" : "天"} ${out}`;
  return neg ? `-${out}` : out;
}

/** A clock time in Asia/Shanghai (the platforms' time zone), whatever the screen's zone. */
export function formatTime(lang, ms) {
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  }).format(new Date(ms));
}

const DIMENSION_TITLES = {
  "zh-CN": { goods: "商品体验", logistics: "物流体验", service: "服务体验" },
  en: { goods: "Goods", logistics: "Logistics", service: "Service" },
};
const SCORE_TITLES = { 商家体验分: "Experience score", 店铺星级: "Star rating", 店铺综合体验星级: "Experience stars" };

/** A score's name in the board's language: `title` from the pack, `titleEn` where the record has it. */
export function scoreTitle(lang, score) {
  return lang === "en" ? (SCORE_TITLES[score.title] ?? score.titleEn ?? score.title) : score.title;
}

/** "2 more late pickups" / "2 单揽收超时": a count of a metric's bad items. */
function badItems(lang, n, meta) {
  if (lang === "en") {
    const [one, many] = BAD_ITEM.en[meta?.kind] ?? BAD_ITEM.en["*"];
    return `${n} more ${n === 1 ? one : many}`;
  }
  return `${n} ${BAD_ITEM["zh-CN"][meta?.kind] ?? BAD_ITEM["zh-CN"]["*"]}`;
}

/**
 * The score's headroom in words (scores.md "Headroom"): how many further bad items, on the indicator where
 * they cost most, drop it a band, and how many take the total below the shop's line.
 */
function scoreHeadroomWords(lang, scores, metaOf) {
  const en = lang === "en";
  const num = (v) => String(Math.round(v * 100) / 100);
  const out = [];
  const band = scores.headroom?.band;
  if (band) {
    const title = metricTitle(lang, band.indicator, metaOf(band.metric));
    out.push(
      en
        ? `headroom: ${badItems(lang, band.items, metaOf(band.metric))} ${band.items === 1 ? "lowers" : "lower"} ${title}'s band (total ${num(band.total)})`
        : `余量：再有 ${badItems(lang, band.items, metaOf(band.metric))}，${title}即降档（总分 ${num(band.total)}）`,
    );
  }
  const line = scores.headroom?.line;
  if (line) {
    if (line.items === 0 || line.metric === null) out.push(en ? `below the line ${num(line.line)}` : `已低于预警线 ${num(line.line)}`);
    else {
      const title = metricTitle(lang, line.indicator, metaOf(line.metric));
      out.push(
        en
          ? `line ${num(line.line)}: ${badItems(lang, line.items, metaOf(line.metric))} (${title}) ${line.items === 1 ? "takes" : "take"} the total below it (${num(line.total)})`
          : `预警线 ${num(line.line)}：再有 ${badItems(lang, line.items, metaOf(line.metric))}（${title}），总分即低于（${num(line.total)}）`,
      );
    }
  }
  return out;
}

/**
 * A shop's score in words: the headline ("商家体验分 85"), the dimensions, the indicator that costs the most
 * points, the headroom, and what is missing. Parameters labelled as a sample say so. Null without a score.
 */
export function scoreWords(lang, scores, metaOf = () => undefined) {
  if (!scores) return null;
  const en = lang === "en";
  const num = (v) => String(Math.round(v * 100) / 100);
  const title = scoreTitle(lang, scores);
  const dims = DIMENSION_TITLES[en ? "en" : "zh-CN"];
  let headline;
  if (scores.total !== null) headline = `${title} ${num(scores.total)}${scores.stars ? ` · ${scores.stars}★` : ""}`;
  else headline = en ? `${title}: incomplete` : `${title}：不完整`;
  if (scores.status === "fixed") headline += en ? " (fixed: too few orders)" : "（订单不足，固定分）";
  if (scores.sample) headline += en ? " · SAMPLE parameters" : " · 样例参数";
  // A calibrated score is an estimate from the platform's figures of D0: said so, never shown as the platform's.
  const d0 = scores.calibration?.d0;
  if (d0) headline += en ? ` · calibrated from platform figures of ${d0}` : ` · 由平台 ${d0} 数据校准`;
  const asOf = (d) =>
    d.source === "as_of_d0" && d0
      ? en
        ? ` (as of ${d0})`
        : `（截至 ${d0}）`
      : d.source === "calibrated"
        ? en
          ? " (est.)"
          : "（估算）"
        : "";
  const dimensions = Object.entries(scores.dimensions).map(
    ([id, d]) => `${dims[id] ?? id} ${d.score === null ? "—" : num(d.score)}${asOf(d)}${d.weight === null ? "" : ` ×${d.weight}%`}`,
  );
  let costliest = null;
  for (const [id, ind] of Object.entries(scores.indicators)) {
    if (ind.lost !== undefined && ind.lost > 0 && (costliest === null || ind.lost > costliest.lost)) costliest = { id, lost: ind.lost };
  }
  const cost = costliest
    ? en
      ? `costs the most: ${metricTitle(lang, costliest.id, metaOf(costliest.id))} (−${num(costliest.lost)})`
      : `失分最多：${metricTitle(lang, costliest.id, metaOf(costliest.id))}（−${num(costliest.lost)}）`
    : null;
  const missing = scores.missing.length
    ? en
      ? `missing (${scores.missing.length}): ${scores.missing.join("; ")}`
      : `缺少（${scores.missing.length}）：${scores.missing.join("；")}`
    : null;
  const out = {
    headline,
    dimensions,
    cost,
    headroom: scoreHeadroomWords(lang, scores, metaOf),
    missing,
    nextStar: nextStarWords(lang, scores, metaOf),
  };
  if (scores.adjustments) out.adjustments = adjustmentWords(lang, scores.adjustments);
  return out;
}

/** English names of the bonuses and deduction parts the packs declare (the pack's title is Chinese). */
const ADJUSTMENT_TITLES_EN = {
  next_day_delivery: "next-day delivery share ≥ 20%",
  freight_insurance: "freight insurance",
  bulky_freight_insurance: "bulky-item freight insurance",
  home_installation: "home installation",
  fake_trades: "fake transactions",
  consumer_harm: "harming consumer experience",
};

/**
 * Each bonus and deduction with its source (scores.md "Bonuses and deductions as events"): "加分 运费险 +2（平台事件）",
 * "deduction fake transactions −11 (2 violations, platform event)", and the cap where it bites.
 */
function adjustmentWords(lang, adj) {
  const en = lang === "en";
  const num = (v) => String(Math.round(v * 100) / 100);
  const day = (iso) => iso.slice(0, 10);
  const name = (id, title) => (en ? (ADJUSTMENT_TITLES_EN[id] ?? title) : title);
  const source = (s) => (s === "event" ? (en ? "platform event" : "平台事件") : en ? "configuration" : "配置");
  const out = [];
  for (const b of adj.bonuses) {
    const pts = b.points === null ? (en ? "points not configured" : "分值未配置") : `+${num(b.points)}`;
    const extra = [source(b.source)];
    if (b.share !== undefined) extra.push(en ? `share ${num(b.share * 100)}%` : `占比 ${num(b.share * 100)}%`);
    if (b.until) extra.push(en ? `until ${day(b.until)}` : `至 ${day(b.until)}`);
    out.push(
      en ? `bonus ${name(b.id, b.title)} ${pts} (${extra.join(", ")})` : `加分 ${name(b.id, b.title)} ${pts}（${extra.join("，")}）`,
    );
  }
  for (const d of adj.deductions) {
    const extra = [source(d.source)];
    if (d.count !== undefined) extra.unshift(en ? `${d.count} violation${d.count === 1 ? "" : "s"}` : `${d.count} 次违规`);
    out.push(
      en
        ? `deduction ${name(d.part, d.title)} −${num(d.points)} (${extra.join(", ")})`
        : `扣分 ${name(d.part, d.title)} −${num(d.points)}（${extra.join("，")}）`,
    );
  }
  if (adj.cap !== null && adj.uncapped > adj.cap)
    out.push(
      en ? `deductions capped at ${num(adj.cap)} (of ${num(adj.uncapped)})` : `扣分封顶 ${num(adj.cap)}（合计 ${num(adj.uncapped)}）`,
    );
  return out;
}

/**
 * The next-star report (scores.md "Next-star standards", pdd@2026): the star aimed at, how many standards
 * are met, and each indicator's value against its standard (≥ for a `min` metric, ≤ for a `max` one; an
 * indicator read from the backend has no metric here, so its standard shows without a sign). Null without one.
 */
function nextStarWords(lang, scores, metaOf) {
  const ns = scores.nextStar;
  if (!ns) return null;
  const en = lang === "en";
  const items = Object.entries(ns.indicators).map(([id, x]) => {
    const meta = metaOf(id);
    const fmt = (v) => (meta?.unit ? formatValue(lang, meta.unit, v) : v === null ? "—" : String(Math.round(v * 10000) / 10000));
    const sign = meta?.direction === "min" ? "≥ " : meta?.direction === "max" ? "≤ " : "";
    const mark = x.meets === null ? "—" : x.meets ? "✓" : "✗";
    const name = metricTitle(lang, id, meta);
    return en
      ? `${name} ${fmt(x.value)} ${mark} (standard ${sign}${fmt(x.standard)})`
      : `${name} ${fmt(x.value)} ${mark}（标准 ${sign}${fmt(x.standard)}）`;
  });
  const head = en ? `Next star ${ns.stars}★: ${ns.met} of ${ns.of} met` : `下一星级 ${ns.stars}★：达标 ${ns.met}/${ns.of}`;
  return [head, ...items].join(" · ");
}

/** The Shanghai calendar day (YYYY-MM-DD) of an instant: the platforms' day, whatever the screen's zone. */
export function shanghaiDay(ms) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(ms));
  const part = (type) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** An item of a reconciliation report by name: a metric's or indicator's title, the total, a dimension. */
function reconItemTitle(lang, d, metaOf) {
  const en = lang === "en";
  if (d.kind === "total") return en ? "Total score" : "总分";
  if (d.kind === "dimension") {
    const name = d.item.replace(/^score\.dimension\./, "");
    return DIMENSION_TITLES[en ? "en" : "zh-CN"][name] ?? name;
  }
  return metricTitle(lang, d.item, metaOf(d.item));
}

/**
 * The reconciliation tile in words (docs/reconciliation.md): "matches the platform: 11 of 12 indicators
 * yesterday" / 「与平台一致：昨日 12 项中 11 项」, the items in drift with both figures, or that the platform's
 * figures have not arrived. `rec` is the hub's summary (null: no report yet); undefined: the board shows no tile.
 */
export function reconciliationWords(lang, rec, nowMs, metaOf = () => undefined) {
  if (rec === undefined) return null;
  const en = lang === "en";
  if (rec === null) return { state: "missing", headline: en ? "no platform figures yet" : "尚无平台数据", drift: null };
  const yesterday = rec.day === shanghaiDay(nowMs - 86_400_000);
  const label = yesterday ? (en ? "yesterday" : "昨日") : rec.day;
  if (rec.figures === "missing")
    return { state: "missing", headline: en ? `no platform figures yet (${label})` : `尚无平台数据（${label}）`, drift: null };
  if (rec.compared === 0)
    return {
      state: "missing",
      headline: en ? `nothing to compare with the platform (${label})` : `无可与平台比对的指标（${label}）`,
      drift: null,
    };
  const when = en ? (yesterday ? "yesterday" : `on ${rec.day}`) : label;
  const headline = en
    ? `matches the platform: ${rec.match} of ${rec.compared} ${rec.compared === 1 ? "indicator" : "indicators"} ${when}`
    : `与平台一致：${when} ${rec.compared} 项中 ${rec.match} 项`;
  if (rec.drift.length === 0) return { state: rec.match === rec.compared ? "match" : "drift", headline, drift: null };
  // Two decimals, as the platforms display them: the board's usual one decimal would hide most drifts.
  const num = (v) => String(Math.round(v * 100) / 100);
  const fig = (d, v) => {
    if (v === null || v === undefined) return "—";
    const unit = d.compared === "points" ? "points" : (metaOf(d.item)?.unit ?? "points");
    if (unit === "ratio") return `${num(v * 100)}%`;
    if (unit === "hours") return en ? `${num(v)} h` : `${num(v)} 小时`;
    return formatValue(lang, unit, v);
  };
  const items = rec.drift.map((d) =>
    en
      ? `${reconItemTitle(lang, d, metaOf)} (platform ${fig(d, d.platform)}, ours ${fig(d, d.ours)})`
      : `${reconItemTitle(lang, d, metaOf)}（平台 ${fig(d, d.platform)}，我方 ${fig(d, d.ours)}）`,
  );
  return { state: "drift", headline, drift: en ? `differs: ${items.join("; ")}` : `不一致：${items.join("；")}` };
}
