// Pushes in the documented format (see kuaidi100.adapter.ts): a form with `param` (JSON) and `sign`.
import { kuaidi100Sign } from "../src/adapters/kuaidi100/kuaidi100.adapter.js";

export const KUAIDI100_SALT = "kd100-salt-for-tests-32-chars-xx";

export interface Line {
  time: string;
  context: string;
}

export function param(state: string, lines: Line[], over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    status: state === "3" ? "shutdown" : "polling",
    billstatus: "got",
    message: "",
    autoCheck: "0",
    comOld: "",
    comNew: "",
    lastResult: {
      message: "ok",
      state,
      status: "200",
      condition: "F00",
      ischeck: state === "3" ? "1" : "0",
      com: "yuantong",
      nu: "YT9876543210123",
      data: lines.map((l) => ({ ...l, ftime: l.time })),
    },
    ...over,
  });
}

export function form(paramJson: string, salt = KUAIDI100_SALT, sign = kuaidi100Sign(paramJson, salt)): string {
  return new URLSearchParams({ sign, param: paramJson }).toString();
}

export const LINES = {
  collected: { time: "2026-11-23 18:00:00", context: "【杭州市】快件已被揽收" },
  transit: { time: "2026-11-24 02:00:00", context: "快件已到达【杭州转运中心】" },
  signed: { time: "2026-11-25 10:30:00", context: "您的快件已签收" },
};
