// The shop board's page. Every value from the server is put in the DOM as text (append/textContent), never as
// HTML: shop ids, consumer ids and order ids come from outside.
import { applyChange, applyHistory, applyReconciliation, applySnapshot, createModel, dueKey } from "./model.js";
import { historyLine } from "./history-line.js";
import { openStream } from "./stream.js";
import { evidenceStrings, fetchBadItems, itemWords } from "./evidence.js";
import { appealRows, appealStrings } from "./appeals.js";
import {
  formatCountdown,
  formatTime,
  formatValue,
  headroomWords,
  LANGS,
  metricTitle,
  reconciliationWords,
  scoreTitle,
  scoreWords,
  strings,
} from "./i18n.js";

const TOKEN_KEY = "scoreguard.board.token";
const LANG_KEY = "scoreguard.board.lang";
const STATUS_ORDER = { breach: 0, warning: 1, ok: 2, no_data: 3 };
/** An item is urgent inside its metric's at-risk lead time; this when the pack names none. */
const DEFAULT_URGENT_MS = 60_000;

const state = {
  lang: LANGS.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : "zh-CN",
  model: createModel(),
  /** Server clock minus this screen's clock: countdowns run on the server's time. */
  offset: 0,
  conn: "connecting",
  ready: null,
  stream: null,
  tokenError: false,
  /** The bad items shown under the tiles after a tile is clicked: {key, metric, result} (result null while loading). */
  evidence: null,
};

const serverNow = () => Date.now() + state.offset;

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "dataset") for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = String(dv);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

// ---- connection ----------------------------------------------------------------------------------------

function connect() {
  const token = localStorage.getItem(TOKEN_KEY);
  state.stream?.close();
  state.stream = null;
  if (!token) return render();
  state.stream = openStream({
    token,
    onState(s) {
      if (s === "unauthorized") {
        localStorage.removeItem(TOKEN_KEY);
        state.tokenError = true;
        state.stream = null;
      }
      state.conn = s;
      render();
    },
    onEvent(event, data) {
      if (typeof data.serverNow === "number") state.offset = data.serverNow - Date.now();
      if (event === "hello") {
        state.model = createModel();
        state.ready = null;
      } else if (event === "snapshot") applySnapshot(state.model, data);
      else if (event === "change") {
        if (!applyChange(state.model, data)) state.stream?.resync();
      } else if (event === "reconciliation") applyReconciliation(state.model, data);
      else if (event === "history") applyHistory(state.model, data);
      else if (event === "ready") state.ready = data;
      else return;
      scheduleRender();
    },
  });
}

// ---- rendering -----------------------------------------------------------------------------------------

let pending = false;
function scheduleRender() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function route() {
  const m = /^#\/shop\/(.+)$/.exec(location.hash);
  return m ? { shop: decodeURIComponent(m[1]) } : { shop: null };
}

function render() {
  const t = strings(state.lang);
  document.documentElement.lang = state.lang;
  document.title = t.title;
  const app = document.getElementById("app");
  const body = !localStorage.getItem(TOKEN_KEY) ? tokenForm(t) : route().shop !== null ? shopView(t, route().shop) : overview(t);
  app.replaceChildren(header(t), body);
  tick();
}

function header(t) {
  const hasToken = Boolean(localStorage.getItem(TOKEN_KEY));
  return el(
    "header",
    { class: "bar" },
    el("h1", {}, el("a", { href: "#/" }, t.title)),
    hasToken ? el("span", { class: `conn conn-${state.conn}`, id: "conn" }, t[state.conn] ?? state.conn) : null,
    el("span", { class: "spacer" }),
    el("button", { type: "button", id: "lang", onclick: () => setLang(state.lang === "en" ? "zh-CN" : "en") }, t.lang),
    hasToken ? el("button", { type: "button", id: "forget", onclick: forget }, t.forget) : null,
  );
}

function tokenForm(t) {
  const input = el("input", {
    type: "password",
    id: "token",
    name: "token",
    autocomplete: "off",
    placeholder: t.tokenPlaceholder,
    required: true,
  });
  const form = el(
    "form",
    { class: "token-form", id: "token-form" },
    el("label", { for: "token" }, t.tokenPrompt),
    input,
    el("button", { type: "submit" }, t.connect),
    state.tokenError ? el("p", { class: "error", role: "alert" }, t.badToken) : null,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (v === "") return;
    localStorage.setItem(TOKEN_KEY, v);
    state.tokenError = false;
    connect();
  });
  return el("main", { class: "center" }, form);
}

function sortedShops() {
  return [...state.model.shops.values()].sort((a, b) => worst(a) - worst(b) || a.key.localeCompare(b.key));
}

function worst(shop) {
  return Math.min(3, ...Object.values(shop.snapshot.metrics).map((m) => STATUS_ORDER[m.status] ?? 3));
}

function overview(t) {
  const shops = sortedShops();
  const main = el("main", { class: "overview", id: "overview" });
  if (state.ready !== null && shops.length === 0) main.append(el("p", { class: "empty", id: "no-shops" }, t.noShops));
  if (state.ready?.truncated) main.append(el("p", { class: "note" }, t.truncated(state.ready.shops)));
  for (const shop of shops) main.append(shopCard(t, shop));
  return main;
}

function shopName(shop) {
  return [
    el("span", { class: `platform platform-${shop.snapshot.platform}` }, shop.snapshot.platform),
    " ",
    el("span", { class: "shop-id" }, shop.snapshot.shopId),
  ];
}

function shopCard(t, shop) {
  const s = shop.snapshot;
  const status = Object.keys(STATUS_ORDER)[worst(shop)];
  const next = s.due[0];
  return el(
    "section",
    { class: `shop-card status-${status}`, dataset: { shop: shop.key } },
    el(
      "a",
      { class: "shop-head", href: `#/shop/${encodeURIComponent(shop.key)}` },
      el("h2", {}, ...shopName(shop)),
      el("span", { class: "pack" }, s.rulePack),
      el(
        "span",
        { class: "counts" },
        s.alerts.length > 0 ? el("span", { class: "firing-count" }, t.firing(s.alerts.length)) : null,
        " ",
        t.pending(s.due.length),
      ),
      next ? el("span", { class: "countdown", dataset: { deadline: next.deadline } }) : null,
    ),
    scoreBlock(shop, false),
    reconBlock(shop),
    tiles(t, shop, true),
  );
}

/** The shop's score: total, dimensions, the costliest indicator; in the shop view also what is missing. */
function scoreBlock(shop, full) {
  const w = scoreWords(state.lang, shop.snapshot.scores, (name) => shop.meta[name]);
  if (w === null) return null;
  return el(
    "div",
    { class: `score score-${shop.snapshot.scores.status}`, dataset: { total: shop.snapshot.scores.total ?? "" } },
    el("div", { class: "score-total" }, w.headline),
    el("div", { class: "score-dims" }, w.dimensions.join(" · ")),
    w.cost ? el("div", { class: "score-cost" }, w.cost) : null,
    w.headroom.map((h) => el("div", { class: "score-headroom" }, h)),
    (w.adjustments ?? []).map((a) => el("div", { class: "score-adjustment" }, a)),
    w.nextStar ? el("div", { class: "score-next-star" }, w.nextStar) : null,
    full && w.missing ? el("div", { class: "score-missing" }, w.missing) : null,
  );
}

/** How the shop's figures compare with the platform's own for the latest reconciled day; the drift items by name. */
function reconBlock(shop) {
  const w = reconciliationWords(state.lang, shop.reconciliation, serverNow(), (name) => shop.meta[name]);
  if (w === null) return null;
  return el(
    "div",
    { class: `recon recon-${w.state}`, dataset: { state: w.state, day: shop.reconciliation?.day ?? "" } },
    el("div", { class: "recon-head" }, w.headline),
    w.drift ? el("div", { class: "recon-items" }, w.drift) : null,
  );
}

/** The metrics as tiles, worst first. `compact`: metrics without data are one dim line, not tiles (the overview). */
function tiles(t, shop, compact = false) {
  const entries = Object.entries(shop.snapshot.metrics).sort((a, b) => (STATUS_ORDER[a[1].status] ?? 3) - (STATUS_ORDER[b[1].status] ?? 3));
  const shown = compact ? entries.filter(([, m]) => m.status !== "no_data") : entries;
  const rest = compact ? entries.filter(([, m]) => m.status === "no_data") : [];
  return el(
    "div",
    {},
    el(
      "div",
      { class: "tiles" },
      shown.map(([name, m]) => tile(t, shop, name, m)),
    ),
    rest.length
      ? el(
          "p",
          { class: "no-data-line" },
          `${t.status.no_data}: `,
          rest.map(([name]) => metricTitle(state.lang, name, shop.meta[name])).join(" · "),
        )
      : null,
  );
}

function tile(t, shop, name, m) {
  const meta = shop.meta[name];
  const unit = meta?.unit ?? "ratio";
  const line = (label, v) => (v === null || v === undefined ? null : `${label} ${formatValue(state.lang, unit, v)}`);
  const lines = [line(t.threshold, meta?.threshold), line(t.target, meta?.target)].filter(Boolean).join(" · ");
  const hr = headroomWords(state.lang, m.headroom, meta);
  return el(
    "div",
    {
      class: `tile status-${m.status}`,
      dataset: { metric: name, status: m.status },
      role: "button",
      tabindex: 0,
      onclick: () => openEvidence(shop.key, name),
    },
    el("div", { class: "tile-title" }, metricTitle(state.lang, name, meta)),
    el("div", { class: "tile-value" }, formatValue(state.lang, unit, m.value)),
    el("div", { class: "tile-status" }, t.status[m.status] ?? m.status),
    lines ? el("div", { class: "tile-lines" }, lines) : null,
    sparkline(t, shop, name, meta, m),
    hr ? el("div", { class: "tile-headroom" }, hr) : null,
    m.pending ? el("div", { class: "tile-pending" }, t.pending(m.pending)) : null,
    m.scoreCap !== undefined ? el("div", { class: "tile-cap" }, t.scoreCap(m.scoreCap)) : null,
  );
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/**
 * The metric's last 30 end-of-day values as a small line, with its threshold dashed, then the 7 projected
 * day-ends of its forecast's roll-off (dashed, docs/forecast.md); nothing under two days.
 */
function sparkline(t, shop, name, meta, m) {
  const values = shop.history?.metrics?.[name] ?? [];
  const points = m?.forecast?.rollOff?.points ?? [];
  const line = historyLine(
    values,
    { threshold: meta?.threshold, target: meta?.target },
    points.map((p) => p.value),
  );
  if (line === null) return null;
  const chart = svg("svg", {
    class: "spark",
    viewBox: `0 0 ${line.width} ${line.height}`,
    role: "img",
    "data-days": line.days,
    "data-projected-days": line.projectedDays,
  });
  const title = svg("title", {});
  title.textContent = [
    shop.history ? t.historyLine(line.days, shop.history.from, shop.history.to) : null,
    points.length > 0 ? t.projectedLine(points[0].day, points[points.length - 1].day) : null,
  ]
    .filter((x) => x !== null)
    .join("; ");
  chart.append(title);
  if (line.thresholdY !== null)
    chart.append(svg("line", { class: "spark-threshold", x1: 0, x2: line.width, y1: line.thresholdY, y2: line.thresholdY }));
  for (const points of line.segments) chart.append(svg("polyline", { class: "spark-line", points }));
  for (const points of line.projected) chart.append(svg("polyline", { class: "spark-projected", points }));
  return chart;
}

function shopView(t, key) {
  const shop = state.model.shops.get(key);
  const main = el("main", { class: "shop", id: "shop" }, el("a", { class: "back", href: "#/" }, t.back));
  if (shop === undefined) {
    if (state.ready !== null) main.append(el("p", { class: "empty" }, t.noShops));
    return main;
  }
  const s = shop.snapshot;
  main.dataset.shop = key;
  main.append(
    el(
      "h2",
      { class: "shop-title" },
      ...shopName(shop),
      " ",
      el("span", { class: "pack" }, s.rulePack),
      " ",
      el("span", { class: "asof" }, `${t.asOf} ${formatTime(state.lang, s.asOfMs)}`),
    ),
    // Node.append would show a missing block (a shop without a score) as the text "null": leave it out.
    ...[scoreBlock(shop, true), reconBlock(shop)].filter((b) => b !== null),
    tiles(t, shop),
    ...(state.evidence?.key === key ? [evidencePanel(shop)] : []),
    appealsPanel(shop),
    el("div", { class: "columns" }, queue(t, shop), el("aside", {}, alerts(t, shop), transitions(t, shop))),
  );
  return main;
}

/** The shop's pending appeals, each with its effect: value now → if approved (appeals.js). */
function appealsPanel(shop) {
  const w = appealStrings(state.lang);
  const rows = appealRows(shop.snapshot);
  const section = el("section", { class: "panel appeals", id: "appeals" }, el("h3", {}, w.title));
  if (rows.length === 0) return (section.append(el("p", { class: "empty", id: "appeals-empty" }, w.none)), section);
  const list = el("ul", { class: "appeal-list" });
  for (const r of rows) {
    const effects = el("ul", { class: "appeal-effects" });
    for (const e of r.effects) {
      const meta = shop.meta[e.metric];
      const unit = meta?.unit ?? "ratio";
      effects.append(
        el(
          "li",
          { class: "appeal-effect", dataset: { metric: e.metric } },
          `${metricTitle(state.lang, e.metric, meta)}: ${formatValue(state.lang, unit, e.now)} → ${formatValue(state.lang, unit, e.then)} (${w.ifApproved})`,
        ),
      );
    }
    if (r.score)
      effects.append(
        el(
          "li",
          { class: "appeal-effect appeal-score" },
          `${w.score}: ${formatValue(state.lang, "points", r.score.now)} → ${formatValue(state.lang, "points", r.score.then)}`,
        ),
      );
    list.append(
      el(
        "li",
        { class: "appeal", dataset: { scope: r.scope } },
        el("span", { class: "appeal-item" }, `${w.scope[r.scope] ?? r.scope} `, el("span", { class: "appeal-id" }, r.itemId)),
        r.exclusionId ? el("span", { class: "appeal-no" }, ` ${r.exclusionId}`) : null,
        el("span", { class: "appeal-reason" }, ` · ${w.reason[r.reason] ?? r.reason}`),
        el("span", { class: "appeal-at" }, ` · ${w.requested} ${r.requestedAt.slice(0, 16).replace("T", " ")}`),
        effects,
      ),
    );
  }
  section.append(list);
  return section;
}

/** A tile was clicked: show the shop, then its metric's bad items once the read API answers. */
async function openEvidence(key, metric) {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return;
  state.evidence = { key, metric, result: null };
  const target = `#/shop/${encodeURIComponent(key)}`;
  if (location.hash !== target) location.hash = target;
  else render();
  const result = await fetchBadItems(token, key, metric);
  if (state.evidence?.key !== key || state.evidence.metric !== metric) return; // another tile was clicked since
  state.evidence = { key, metric, result };
  render();
}

/** The clicked metric's bad items, newest first, each with why and its cost. */
function evidencePanel(shop) {
  const w = evidenceStrings(state.lang);
  const { metric, result } = state.evidence;
  const meta = shop.meta[metric];
  const head = el(
    "h3",
    {},
    w.title(metricTitle(state.lang, metric, meta)),
    " ",
    el("button", { type: "button", class: "evidence-close", onclick: () => ((state.evidence = null), render()) }, w.close),
  );
  const section = el("section", { class: "panel evidence", id: "evidence", dataset: { metric } }, head);
  if (result === null) section.append(el("p", { class: "empty" }, w.loading));
  else if (!result.ok) section.append(el("p", { class: "error", id: "evidence-error" }, w.failed(result.status)));
  else if (result.page.items.length === 0) section.append(el("p", { class: "empty", id: "evidence-empty" }, w.none));
  else {
    const list = el("ol", { class: "evidence-items" });
    for (const item of result.page.items) {
      const x = itemWords(state.lang, item, meta?.unit ?? "ratio");
      list.append(
        el(
          "li",
          { class: "evidence-item", dataset: { id: item.id } },
          el("strong", { class: "evidence-id" }, x.id),
          " ",
          el("span", { class: "evidence-why" }, x.why),
          el("div", { class: "evidence-days" }, x.days),
          x.cost ? el("div", { class: "evidence-cost" }, x.cost) : null,
        ),
      );
    }
    section.append(list, el("p", { class: "note" }, w.more(result.page.items.length, result.page.total)));
  }
  return section;
}

function queue(t, shop) {
  const items = shop.snapshot.due;
  const list = el("ol", { class: "queue", id: "queue" });
  for (const d of items) {
    const meta = shop.meta[d.metric];
    list.append(
      el(
        "li",
        {
          class: "due-item",
          dataset: { key: dueKey(d), id: d.id, item: d.item, deadline: d.deadline, urgent: meta?.leadTimeMs ?? DEFAULT_URGENT_MS },
        },
        el("span", { class: "countdown", dataset: { deadline: d.deadline } }),
        el("span", { class: `item-kind item-${d.item}` }, t.item[d.item] ?? d.item),
        el("span", { class: "due-id" }, d.id),
        el("span", { class: "due-metric" }, metricTitle(state.lang, d.metric, meta)),
      ),
    );
  }
  return el(
    "section",
    { class: "panel" },
    el("h3", {}, t.queue, " ", el("span", { class: "count" }, String(items.length))),
    items.length ? list : el("p", { class: "empty", id: "queue-empty" }, t.queueEmpty),
  );
}

function alerts(t, shop) {
  const a = shop.snapshot.alerts;
  const list = el("ul", { class: "alerts", id: "alerts" });
  for (const x of a) {
    const meta = shop.meta[x.metric];
    list.append(
      el(
        "li",
        { class: `alert severity-${x.severity}`, dataset: { metric: x.metric, kind: x.kind } },
        el("strong", {}, x.kind === "score" && x.score ? scoreTitle(state.lang, x.score) : metricTitle(state.lang, x.metric, meta)),
        " ",
        el("span", { class: "alert-kind" }, t.kind[x.kind] ?? x.kind),
        " · ",
        t.severity[x.severity] ?? x.severity,
        x.value !== null ? ` · ${formatValue(state.lang, meta?.unit ?? (x.kind === "score" ? "points" : "ratio"), x.value)}` : "",
      ),
    );
  }
  return el("section", { class: "panel" }, el("h3", {}, t.alerts), a.length ? list : el("p", { class: "empty" }, t.noAlerts));
}

function transitions(t, shop) {
  const list = el("ul", { class: "transitions", id: "transitions" });
  for (const x of shop.transitions) {
    const title = metricTitle(state.lang, x.metric, shop.meta[x.metric]);
    const what =
      x.what === "status"
        ? `${t.status[x.from] ?? x.from} → ${t.status[x.to] ?? x.to}`
        : `${t.kind[x.alertKind] ?? x.alertKind} ${x.what === "alert_firing" ? t.firingWord : t.resolvedWord}`;
    const cls = x.what === "status" ? `status-${x.to}` : x.what === "alert_firing" ? "status-breach" : "status-ok";
    list.append(el("li", { class: cls }, el("time", {}, formatTime(state.lang, x.at)), " ", el("strong", {}, title), " ", what));
  }
  return el(
    "section",
    { class: "panel" },
    el("h3", {}, t.transitions),
    shop.transitions.length ? list : el("p", { class: "empty" }, t.noTransitions),
  );
}

/** Once a second: countdowns, and the urgent / overdue marks of queue items. */
function tick() {
  const t = strings(state.lang);
  const now = serverNow();
  for (const c of document.querySelectorAll(".countdown[data-deadline]")) {
    const left = Number(c.dataset.deadline) - now;
    c.textContent = left < 0 ? `${t.overdue} ${formatCountdown(state.lang, left).slice(1)}` : formatCountdown(state.lang, left);
  }
  for (const li of document.querySelectorAll(".due-item")) {
    const left = Number(li.dataset.deadline) - now;
    li.classList.toggle("overdue", left < 0);
    li.classList.toggle("urgent", left >= 0 && left <= Number(li.dataset.urgent));
  }
}

function setLang(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  render();
}

function forget() {
  localStorage.removeItem(TOKEN_KEY);
  state.model = createModel();
  state.ready = null;
  connect();
}

window.addEventListener("hashchange", render);
setInterval(tick, 1000);
connect();
render();
