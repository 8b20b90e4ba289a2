// What REDIS_URL names: one Redis (`redis://`, `rediss://`) or a Redis Cluster (`redis+cluster://`,
// `rediss+cluster://`) given by some of its nodes; the client discovers the rest (CLUSTER SLOTS).

export class RedisUrlError extends Error {
  override readonly name = "RedisUrlError";
}

export type RedisTarget =
  | { kind: "node"; url: string }
  | {
      kind: "cluster";
      /** Seed nodes; any one that answers is enough. */
      nodes: { host: string; port: number }[];
      username?: string;
      password?: string;
      tls: boolean;
    };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\/(.*)$/i;

/**
 * Parses `REDIS_URL`. A cluster URL is `redis+cluster://[user:pass@]host1:port1,host2:port2[,…]`
 * (`rediss+cluster://` for TLS); its credentials apply to every node. Errors never quote the password.
 */
export function parseRedisUrl(raw: string): RedisTarget {
  const url = raw.trim();
  const m = CLUSTER_SCHEME.exec(url);
  if (!m) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch (err) {
      if (err instanceof TypeError)
        throw new RedisUrlError("REDIS_URL is not a URL; expected redis://host:port or redis+cluster://host1:port1,host2:port2");
      throw err;
    }
    if (protocol !== "redis:" && protocol !== "rediss:") {
      throw new RedisUrlError(`REDIS_URL has scheme ${protocol}//; expected redis://, rediss://, redis+cluster:// or rediss+cluster://`);
    }
    return { kind: "node", url };
  }
  const tls = m[1]!.toLowerCase() === "rediss";
  let rest = m[2]!.replace(/\/+$/, "");
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const cred = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = cred.indexOf(":");
    const user = decodeURIComponent(colon >= 0 ? cred.slice(0, colon) : cred);
    const pass = colon >= 0 ? decodeURIComponent(cred.slice(colon + 1)) : undefined;
    if (user !== "") username = user;
    if (pass !== undefined && pass !== "") password = pass;
  }
  if (rest.includes("/")) throw new RedisUrlError("REDIS_URL: a cluster URL has no database number (a cluster has only db 0)");
  const nodes = rest.split(",").map((part, i) => {
    const hp = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(part.trim());
    const port = Number(hp?.[2]);
    if (!hp || port < 1 || port > 65535) throw new RedisUrlError(`REDIS_URL: cluster node ${i + 1} is not host:port`);
    return { host: hp[1]!.replace(/^\[|\]$/g, ""), port };
  });
  return { kind: "cluster", nodes, tls, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}
