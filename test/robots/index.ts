// Local stand-ins for the robots (alerts.md "Receivers"), for integration tests: each verifies
// signatures and payload shapes as the real one does, answers with the real codes, enforces the real
// rate limits, records what it accepted, and can be told to fail the next N requests.
export { startDingTalkRobot, type DingTalkRobot, type DingTalkMessage, type DingTalkFailure } from "./dingtalk.js";
export { startFeishuRobot, type FeishuRobot, type FeishuMessage, type FeishuFailure } from "./feishu.js";
export { startWeComRobot, type WeComRobot, type WeComMessage, type WeComFailure } from "./wecom.js";
export { startSlackRobot, type SlackRobot, type SlackMessage, type SlackFailure } from "./slack.js";
export { startWebhookReceiver, type WebhookReceiver, type AmBody, type AmAlertBody } from "./webhook.js";
export type { ReceivedRequest } from "./server.js";
