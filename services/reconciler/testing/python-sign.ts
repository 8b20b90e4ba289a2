import { execFileSync, spawn } from "node:child_process";

/**
 * Independent signature vectors: computed by python3's hashlib/hmac from the platforms' documented rules,
 * outside the code under test (which uses node:crypto and builds its own plain text). The fakes and the
 * unit test call these, so a wrong plain text or digest in the client cannot agree with itself.
 */
const DOUYIN = `
import sys, json, hmac, hashlib
a = json.loads(sys.stdin.read())
plain = a["secret"] + "app_key" + a["app_key"] + "method" + a["method"] + "param_json" + a["param_json"] + "timestamp" + a["timestamp"] + "v" + a["v"] + a["secret"]
if a["sign_method"] == "md5":
    print(hashlib.md5(plain.encode()).hexdigest())
else:
    print(hmac.new(a["secret"].encode(), plain.encode(), hashlib.sha256).hexdigest())
`;

const KUAISHOU = `
import sys, json, hmac, hashlib, base64
a = json.loads(sys.stdin.read())
p = {k: v for k, v in a["params"].items() if k != "sign" and v not in (None, "")}
plain = "&".join(k + "=" + p[k] for k in sorted(p)) + "&signSecret=" + a["secret"]
if p.get("signMethod") == "MD5":
    print(hashlib.md5(plain.encode()).hexdigest())
else:
    print(base64.b64encode(hmac.new(a["secret"].encode(), plain.encode(), hashlib.sha256).digest()).decode())
`;

function py(script: string, input: unknown): string {
  return execFileSync("python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8" }).trim();
}

export function pythonDouyinSign(a: {
  secret: string;
  app_key: string;
  method: string;
  param_json: string;
  timestamp: string;
  v: string;
  sign_method: string;
}): string {
  return py(DOUYIN, a);
}

export function pythonKuaishouSign(params: Record<string, string>, secret: string): string {
  return py(KUAISHOU, { params, secret });
}

/**
 * One long-lived python3 process computing the same vectors line by line (JSON in, signature out), for the
 * fake servers: starting python3 per request takes seconds on a loaded machine.
 */
export interface PythonSigner {
  douyin(a: Parameters<typeof pythonDouyinSign>[0]): Promise<string>;
  kuaishou(params: Record<string, string>, secret: string): Promise<string>;
  close(): void;
}

const SERVER = `
import sys, json, hmac, hashlib, base64
for line in sys.stdin:
    a = json.loads(line)
    if a["platform"] == "douyin":
        plain = a["secret"] + "app_key" + a["app_key"] + "method" + a["method"] + "param_json" + a["param_json"] + "timestamp" + a["timestamp"] + "v" + a["v"] + a["secret"]
        out = hashlib.md5(plain.encode()).hexdigest() if a["sign_method"] == "md5" else hmac.new(a["secret"].encode(), plain.encode(), hashlib.sha256).hexdigest()
    else:
        p = {k: v for k, v in a["params"].items() if k != "sign" and v not in (None, "")}
        plain = "&".join(k + "=" + p[k] for k in sorted(p)) + "&signSecret=" + a["secret"]
        out = hashlib.md5(plain.encode()).hexdigest() if p.get("signMethod") == "MD5" else base64.b64encode(hmac.new(a["secret"].encode(), plain.encode(), hashlib.sha256).digest()).decode()
    sys.stdout.write(out + "\\n")
    sys.stdout.flush()
`;

export function startPythonSigner(): PythonSigner {
  const child = spawn("python3", ["-u", "-c", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting: ((s: string) => void)[] = [];
  let buf = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      waiting.shift()?.(line.trim());
    }
  });
  // Requests are answered in order: one line in, one line out.
  const ask = (req: unknown) =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  return {
    douyin: (a) => ask({ platform: "douyin", ...a }),
    kuaishou: (params, secret) => ask({ platform: "kuaishou", params, secret }),
    close: () => child.kill(),
  };
}
