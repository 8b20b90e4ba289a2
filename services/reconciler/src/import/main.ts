// `npm run import-figures -- FILE --shop jd:123 [--day 2026-03-02]`: imports a platform's figures for one
// shop and day from a CSV or XLSX file (docs/reconciliation.md "Importing figures") into Redis, where the
// reconciler compares them at its next pass. A bad row refuses the whole file (exit 1, row and column named).
import { readFileSync } from "node:fs";
import { BaseEnv, parseEnv } from "@sg/config";
import { FiguresImportError, itemAliases, parseFiguresFile, storeImportedFigures } from "@sg/figures";
import { createRedis } from "@sg/redis";
import { parseImportArgs } from "./args.js";

async function main(): Promise<number> {
  let args;
  try {
    args = parseImportArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`import-figures: ${(err as Error).message}\n`);
    return 2;
  }
  const env = parseEnv(BaseEnv);
  let data: Buffer;
  try {
    data = readFileSync(args.file);
  } catch (err) {
    process.stderr.write(`import-figures: cannot read ${args.file} (${(err as NodeJS.ErrnoException).code ?? "error"})\n`);
    return 1;
  }
  const now = Date.now();
  let figures;
  try {
    figures = await parseFiguresFile(data, {
      ...args.shop,
      ...(args.day ? { day: args.day } : {}),
      nowMs: now,
      aliases: itemAliases(args.shop.platform),
    });
  } catch (err) {
    if (!(err instanceof FiguresImportError)) throw err;
    process.stderr.write(`import-figures: ${args.file} refused, nothing imported: ${err.message}\n`);
    return 1;
  }
  const redis = createRedis(env.REDIS_URL ?? "redis://127.0.0.1:6379");
  try {
    await storeImportedFigures(redis, env.KEY_PREFIX, figures, now);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
  const n = Object.keys(figures.items).length + Object.keys(figures.dimensions).length + (figures.total === undefined ? 0 : 1);
  process.stdout.write(
    `import-figures: ${n} figures of ${figures.platform}:${figures.shopId} for ${figures.day} imported; the reconciler compares them at its next pass\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`import-figures: failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
