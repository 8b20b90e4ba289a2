import { z } from "zod";
import { HttpUrl, Language, Mobile, NonEmpty, Secret } from "./fields.js";

/**
 * Notification receivers, one shape per channel, discriminated by `type` (alerts.md "Receivers").
 * `url` is secret too: DingTalk and WeCom put the robot's token in the query, Feishu and Slack in the path.
 */
const common = {
  url: HttpUrl,
  /** Overrides the config's `language` for this receiver. */
  language: Language.optional(),
};

export const DingtalkReceiver = z
  .object({
    type: z.literal("dingtalk"),
    ...common,
    /** Signing secret (`SEC…`); when set, every request carries `timestamp` and `sign`. */
    secret: Secret.optional(),
    /** Mobiles to @; DingTalk only notifies a mobile that also appears in the text. */
    atMobiles: z.array(Mobile).optional(),
    /** The robot's custom keyword, when its security setting is "keyword": it must appear in every message. */
    keyword: NonEmpty.optional(),
  })
  .strict();

export const FeishuReceiver = z.object({ type: z.literal("feishu"), ...common, secret: Secret.optional() }).strict();

export const WecomReceiver = z.object({ type: z.literal("wecom"), ...common, mentionedMobiles: z.array(Mobile).optional() }).strict();

export const SlackReceiver = z.object({ type: z.literal("slack"), ...common }).strict();

export const WebhookReceiver = z
  .object({
    type: z.literal("webhook"),
    ...common,
    /** When set, the body is signed with HMAC-SHA256 and the signature sent in `headerName`. */
    secret: Secret.optional(),
    headerName: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name")
      .optional(),
  })
  .strict();

export const Receiver = z.discriminatedUnion("type", [DingtalkReceiver, FeishuReceiver, WecomReceiver, SlackReceiver, WebhookReceiver]);
export type Receiver = z.infer<typeof Receiver>;
export type ReceiverType = Receiver["type"];
export type ReceiverOf<T extends ReceiverType> = Extract<Receiver, { type: T }>;
export const RECEIVER_TYPES = Receiver.options.map<ReceiverType>((o) => o.shape.type.value);

/** Receiver names appear in logs and metric labels, so they are plain: letters, digits, `_ . -`. */
export const ReceiverName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, _ . or -, starting with a letter or digit");

export const Receivers = z.record(ReceiverName, Receiver);
