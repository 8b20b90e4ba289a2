import type { Receiver } from "@sg/config";
import type { Channel } from "./channel.js";
import { createDingTalkChannel } from "./dingtalk/dingtalk.channel.js";
import { createFeishuChannel } from "./feishu/feishu.channel.js";
import { createSlackChannel } from "./slack/slack.channel.js";
import { createWebhookChannel } from "./webhook/webhook.channel.js";
import { createWeComChannel } from "./wecom/wecom.channel.js";

export * from "./channel.js";

/** The channel for a configured receiver. Secrets stay inside the channel; nothing here logs. */
export function createChannel(name: string, r: Receiver, opts: { grafanaUrl: string }): Channel {
  switch (r.type) {
    case "dingtalk":
      return createDingTalkChannel({
        url: r.url,
        ...(r.secret === undefined ? {} : { secret: r.secret }),
        ...(r.atMobiles === undefined ? {} : { atMobiles: r.atMobiles }),
        ...(r.keyword === undefined ? {} : { keyword: r.keyword }),
      });
    case "feishu":
      return createFeishuChannel({ url: r.url, ...(r.secret === undefined ? {} : { secret: r.secret }) });
    case "wecom":
      // WeCom markdown messages mention by `<@userid>` only; `mentionedMobiles` applies to text messages,
      // which cannot carry the formatted alert, so mobiles are not mentioned here.
      return createWeComChannel({ url: r.url });
    case "slack":
      return createSlackChannel({ url: r.url });
    case "webhook":
      return createWebhookChannel({
        url: r.url,
        receiver: name,
        externalUrl: opts.grafanaUrl,
        ...(r.secret === undefined ? {} : { secret: r.secret }),
        ...(r.headerName === undefined ? {} : { headerName: r.headerName }),
      });
  }
}
