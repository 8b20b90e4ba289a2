import { z } from "zod";
import { NonEmpty, Secret, WsUrl } from "./fields.js";

/** Credentials for platform pushes (alerts.md "Configuration", `platforms`); each platform is optional. */
export const DouyinCredentials = z.object({ appKey: NonEmpty, appSecret: Secret }).strict();
export const KuaishouCredentials = z.object({ appKey: NonEmpty.optional(), messageSecret: Secret }).strict();
export const PddCredentials = z.object({ clientId: NonEmpty, clientSecret: Secret, url: WsUrl }).strict();
export const Kuaidi100Credentials = z.object({ key: Secret.optional(), salt: Secret.optional() }).strict();

export const Platforms = z
  .object({
    douyin: DouyinCredentials.optional(),
    kuaishou: KuaishouCredentials.optional(),
    pdd: PddCredentials.optional(),
    kuaidi100: Kuaidi100Credentials.optional(),
  })
  .strict();
export type Platforms = z.infer<typeof Platforms>;
