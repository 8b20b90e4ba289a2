import { PLATFORMS, ShanghaiDay, parseShopKey, type ShopRef } from "@sg/events";

export interface ImportArgs {
  file: string;
  shop: ShopRef;
  day?: string;
}

/** `FILE --shop platform:shopId [--day YYYY-MM-DD]`; throws an Error naming the bad argument. */
export function parseImportArgs(argv: readonly string[]): ImportArgs {
  let file: string | undefined;
  let shop: ShopRef | undefined;
  let day: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--shop" || a === "--day") {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      if (a === "--shop") {
        const s = parseShopKey(v);
        if (s === null) throw new Error(`--shop ${v}: expected platform:shopId with platform one of ${PLATFORMS.join(", ")}`);
        shop = s;
      } else {
        if (!ShanghaiDay.safeParse(v).success) throw new Error(`--day ${v}: expected a day as YYYY-MM-DD`);
        day = v;
      }
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw new Error(`one file per import (got ${file} and ${a})`);
  }
  if (file === undefined) throw new Error("usage: npm run import-figures -- FILE --shop platform:shopId [--day YYYY-MM-DD]");
  if (shop === undefined) throw new Error("--shop platform:shopId is required");
  return { file, shop, ...(day === undefined ? {} : { day }) };
}
