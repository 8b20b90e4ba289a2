// The environment infra reads, parsed in one place (style.md, "One Env, parsed once"). infra is tooling
// that runs before any service, so it parses by hand instead of pulling in @sg/config.

export type InfraEnv = {
  /** Port of a local Kafka broker (`ensureKafka`). */
  KAFKA_PORT: number | undefined;
  /** A Redis to reuse when it answers PING (`ensureRedis`). */
  REDIS_URL: string | undefined;
  /** Picks the JVM: `$JAVA_HOME/bin/java`, else `java` on PATH. */
  JAVA_HOME: string | undefined;
};

function parsePort(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
  return n;
}

function nonEmpty(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

export function parseInfraEnv(source: NodeJS.ProcessEnv = process.env): InfraEnv {
  return {
    KAFKA_PORT: parsePort("KAFKA_PORT", source.KAFKA_PORT),
    REDIS_URL: nonEmpty(source.REDIS_URL),
    JAVA_HOME: nonEmpty(source.JAVA_HOME),
  };
}
