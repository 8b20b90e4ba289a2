import { describe, expect, it } from "vitest";
import { oneLine, plainText, renderMarked, untrusted } from "./untrusted.js";
import { renderTemplate } from "./render.js";
import { strictEncode } from "./links.js";

describe("values from outside in composed text", () => {
  it("stay on one line: controls, line and paragraph separators and bidi controls become a space", () => {
    expect(oneLine("a\nb\r\nc\td\u2028e\u2029f\u202Eg\u0085h\u001Bi")).toBe("a b c d e f g h i");
  });

  it("are escaped by the channel's function; template text around them is not", () => {
    const text = renderTemplate("**{{shop}}** [看板](http://g/x)", { shop: untrusted("[x](http://evil)\n- y") });
    expect(renderMarked(text, (v) => `<${v}>`)).toBe("**<[x](http://evil) - y>** [看板](http://g/x)");
    expect(plainText(text)).toBe("**[x](http://evil) - y** [看板](http://g/x)");
  });

  it("wait in slots while the template text is transformed, so a transform never rewrites a value", () => {
    const text = `**a** ${untrusted("**b** [c](http://evil)")}`;
    const bold = (t: string) => t.replace(/\*\*(.+?)\*\*/g, "*$1*").replace(/\[([^\]]+)\]\(([^)]+)\)/g, "<$2|$1>");
    expect(renderMarked(text, (v) => v.toUpperCase(), bold)).toBe("*a* **B** [C](HTTP://EVIL)");
  });

  it("cannot forge or close a mark: mark characters in a value are dropped", () => {
    const forged = untrusted("a\uE001**b**\uE000c\uE0020\uE003");
    expect(renderMarked(`x ${forged} y`, (v) => `[${v}]`)).toBe("x [a**b**c0] y");
  });

  it("absent or empty stay absent, so a template line without them is dropped", () => {
    expect(untrusted(undefined)).toBeUndefined();
    expect(untrusted("")).toBeUndefined();
    expect(renderTemplate("a\n- pack {{p}}\nb", { p: untrusted("") })).toBe("a\nb");
  });
});

describe("strictEncode", () => {
  it("encodes the characters encodeURIComponent leaves that could end a markdown link or format text", () => {
    expect(strictEncode("a(b)*c!'d")).toBe("a%28b%29%2Ac%21%27d");
    expect(decodeURIComponent(strictEncode("[x](https://e/l)\n- y"))).toBe("[x](https://e/l)\n- y");
  });
});
