// Commands in the documented format (see pdd.adapter.ts): uint64 ids as bare JSON numbers, `content` a JSON string.
export const PDD_CREDS = { clientId: "f15639975cba4df6bc8afcde5151086a", clientSecret: "pdd-secret-for-tests" };
export const BIG_COMMAND_ID = "9223372036854775001";
export const MALL_ID = "171504183";

export function command(
  type: string,
  content: string,
  opts: { id?: string; commandType?: string; time?: number; sendTime?: number; mallId?: string } = {},
): string {
  const id = opts.id ?? BIG_COMMAND_ID;
  const mallId = opts.mallId ?? MALL_ID;
  return (
    `{"id":${id},"commandType":${JSON.stringify(opts.commandType ?? "Common")},"time":${opts.time ?? 1795392005000},` +
    `"sendTime":${opts.sendTime ?? 1795392005500},"message":{"type":${JSON.stringify(type)},"mallID":${mallId},` +
    `"content":${JSON.stringify(content)}}}`
  );
}

export const tradeContent = (tid = "231123-038440825871540") => JSON.stringify({ mall_id: Number(MALL_ID), tid });

export const refundContent = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    mall_id: Number(MALL_ID),
    tid: "231123-038440825871540",
    refund_id: 12345678901,
    bill_type: 2,
    refund_fee: 990,
    operation: 1,
    ...over,
  });
