import { HOUR } from "../calendar.js";

/**
 * The evidence API's sentences (docs/evidence.md): why an item is good, bad, pending or left out, in the two
 * languages the board and the CSV speak. Durations read as a merchant says them: "26 h 10 min", "26小时10分钟".
 */
export interface Why {
  "zh-CN": string;
  en: string;
}

/** A duration in whole seconds, minutes and hours, largest units first ("26 h 10 min", "45 s"). */
export function duration(ms: number): Why {
  const s = Math.round(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const en: string[] = [];
  const zh: string[] = [];
  const part = (n: number, unitEn: string, unitZh: string) => {
    en.push(`${n} ${unitEn}`);
    zh.push(`${n}${unitZh}`);
  };
  if (h > 0) part(h, "h", "小时");
  if (m > 0) part(m, "min", "分钟");
  if (sec > 0 || (h === 0 && m === 0)) part(sec, "s", "秒");
  return { en: en.join(" "), "zh-CN": zh.join("") };
}

/** Hours with one decimal ("80.5 h"), for means in hours. */
export function hours(ms: number): Why {
  const h = Math.round((ms / HOUR) * 10) / 10;
  return { en: `${h} h`, "zh-CN": `${h}小时` };
}

/** Joins sentences, each already in both languages, with "; " and "；". */
export function join(...parts: Why[]): Why {
  return { en: parts.map((p) => p.en).join("; "), "zh-CN": parts.map((p) => p["zh-CN"]).join("；") };
}

/** A sentence built from durations: `say(d => ({en: …, zh: …}))`. */
export function say(en: string, zh: string): Why {
  return { en, "zh-CN": zh };
}

/** "line 24 h" / "时限24小时". */
export function line(ms: number): Why {
  const d = duration(ms);
  return say(`line ${d.en}`, `时限${d["zh-CN"]}`);
}
