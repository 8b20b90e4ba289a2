import { execFileSync } from "node:child_process";

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

export function pythonDouyinSign(a: { secret: string; app_key: string; method: string; param_json: string; timestamp: string; v: string; sign_method: string }): string {
  return py(DOUYIN, a);
}

export function pythonKuaishouSign(params: Record<string, string>, secret: string): string {
  return py(KUAISHOU, { params, secret });
}
