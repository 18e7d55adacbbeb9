// A small JSON tree for drivers: parse, inspect, build and serialize. Numbers are f64;
// object keys keep their insertion order.
import { str } from "./result";

export enum Kind { Null, Bool, Number, String, Array, Object }

export class JsonValue {
  kind: Kind = Kind.Null;
  boolean: bool = false;
  number: f64 = 0;
  string: string = "";
  items: JsonValue[] = [];
  keys: string[] = [];

  static null(): JsonValue { return new JsonValue(); }
  static bool(value: bool): JsonValue { const v = new JsonValue(); v.kind = Kind.Bool; v.boolean = value; return v; }
  static num(value: f64): JsonValue { const v = new JsonValue(); v.kind = Kind.Number; v.number = value; return v; }
  static str(value: string): JsonValue { const v = new JsonValue(); v.kind = Kind.String; v.string = value; return v; }
  static array(): JsonValue { const v = new JsonValue(); v.kind = Kind.Array; return v; }
  static object(): JsonValue { const v = new JsonValue(); v.kind = Kind.Object; return v; }

  get isNull(): bool { return this.kind == Kind.Null; }
  get isBool(): bool { return this.kind == Kind.Bool; }
  get isNumber(): bool { return this.kind == Kind.Number; }
  get isString(): bool { return this.kind == Kind.String; }
  get isArray(): bool { return this.kind == Kind.Array; }
  get isObject(): bool { return this.kind == Kind.Object; }
  get isInteger(): bool { return this.kind == Kind.Number && Math.floor(this.number) == this.number && Math.abs(this.number) < 9007199254740992.0; }

  /** Number of items (array) or keys (object). */
  get length(): i32 { return this.kind == Kind.Object ? this.keys.length : this.items.length; }

  /** The value at key in an object, or null. */
  get(key: string): JsonValue | null {
    if (this.kind != Kind.Object) return null;
    const i = this.keys.indexOf(key);
    return i < 0 ? null : this.items[i];
  }

  has(key: string): bool { return this.kind == Kind.Object && this.keys.includes(key); }

  /** The item at index in an array, or null. */
  at(index: i32): JsonValue | null {
    if (this.kind != Kind.Array || index < 0 || index >= this.items.length) return null;
    return this.items[index];
  }

  /** Sets key in an object (replacing an existing value in place); returns this. */
  set(key: string, value: JsonValue): JsonValue {
    const i = this.keys.indexOf(key);
    if (i >= 0) this.items[i] = value;
    else { this.keys.push(key); this.items.push(value); }
    return this;
  }

  /** Removes key from an object; true if it was there. */
  remove(key: string): bool {
    const i = this.keys.indexOf(key);
    if (i < 0) return false;
    this.keys.splice(i, 1);
    this.items.splice(i, 1);
    return true;
  }

  /** Appends to an array; returns this. */
  push(value: JsonValue): JsonValue { this.items.push(value); return this; }

  /** String value, or fallback when not a string. */
  asString(fallback: string = ""): string { return this.kind == Kind.String ? this.string : fallback; }
  asNumber(fallback: f64 = 0): f64 { return this.kind == Kind.Number ? this.number : fallback; }
  asBool(fallback: bool = false): bool { return this.kind == Kind.Bool ? this.boolean : fallback; }

  /** The JSON type name as JSON Schema spells it. */
  get typeName(): string {
    switch (this.kind) {
      case Kind.Null: return "null";
      case Kind.Bool: return "boolean";
      case Kind.Number: return this.isInteger ? "integer" : "number";
      case Kind.String: return "string";
      case Kind.Array: return "array";
      default: return "object";
    }
  }

  stringify(): string {
    const out: string[] = [];
    write(this, out);
    return out.join("");
  }

  /** UTF-8 bytes of stringify(). */
  toBytes(): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(this.stringify())); }
}

function write(v: JsonValue, out: string[]): void {
  switch (v.kind) {
    case Kind.Null: out.push("null"); break;
    case Kind.Bool: out.push(v.boolean ? "true" : "false"); break;
    case Kind.Number: out.push(formatNumber(v.number)); break;
    case Kind.String: out.push(quote(v.string)); break;
    case Kind.Array: {
      out.push("[");
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) out.push(",");
        write(v.items[i], out);
      }
      out.push("]");
      break;
    }
    default: {
      out.push("{");
      for (let i = 0; i < v.keys.length; i++) {
        if (i > 0) out.push(",");
        out.push(quote(v.keys[i]));
        out.push(":");
        write(v.items[i], out);
      }
      out.push("}");
    }
  }
}

function formatNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  if (Math.floor(n) == n && Math.abs(n) < 9007199254740992.0) return (<i64>n).toString();
  return n.toString();
}

const HEX = "0123456789abcdef";

export function quote(s: string): string {
  const parts: string[] = ['"'];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    if (i > start) parts.push(s.substring(start, i));
    start = i + 1;
    if (c == 0x22) parts.push('\\"');
    else if (c == 0x5c) parts.push("\\\\");
    else if (c == 0x0a) parts.push("\\n");
    else if (c == 0x0d) parts.push("\\r");
    else if (c == 0x09) parts.push("\\t");
    else parts.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
  }
  if (start < s.length) parts.push(s.substring(start));
  parts.push('"');
  return parts.join("");
}

class Parser {
  pos: i32 = 0;
  error: string = "";
  depth: i32 = 0;
  constructor(public text: string) {}

  fail(message: string): JsonValue | null {
    if (this.error.length == 0) this.error = message + " at offset " + this.pos.toString();
    return null;
  }

  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.pos++;
    }
  }

  value(): JsonValue | null {
    this.skipSpace();
    if (this.pos >= this.text.length) return this.fail("unexpected end of input");
    const c = this.text.charCodeAt(this.pos);
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) {
      const s = this.string();
      return s === null ? null : JsonValue.str(s);
    }
    if (c == 0x74) return this.literal("true", JsonValue.bool(true));
    if (c == 0x66) return this.literal("false", JsonValue.bool(false));
    if (c == 0x6e) return this.literal("null", JsonValue.null());
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail("unexpected character '" + String.fromCharCode(c) + "'");
  }

  literal(word: string, v: JsonValue): JsonValue | null {
    if (this.text.substr(this.pos, word.length) != word) return this.fail("invalid literal");
    this.pos += word.length;
    return v;
  }

  number(): JsonValue | null {
    const start = this.pos;
    if (this.text.charCodeAt(this.pos) == 0x2d) this.pos++;
    const digits = this.pos;
    while (this.pos < this.text.length && isDigit(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos == digits) return this.fail("invalid number");
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      const frac = this.pos;
      while (this.pos < this.text.length && isDigit(this.text.charCodeAt(this.pos))) this.pos++;
      if (this.pos == frac) return this.fail("invalid number");
    }
    if (this.pos < this.text.length && (this.text.charCodeAt(this.pos) | 0x20) == 0x65) {
      this.pos++;
      if (this.pos < this.text.length && (this.text.charCodeAt(this.pos) == 0x2b || this.text.charCodeAt(this.pos) == 0x2d)) this.pos++;
      const exp = this.pos;
      while (this.pos < this.text.length && isDigit(this.text.charCodeAt(this.pos))) this.pos++;
      if (this.pos == exp) return this.fail("invalid number");
    }
    return JsonValue.num(parseFloat(this.text.substring(start, this.pos)));
  }

  string(): string | null {
    this.pos++; // opening quote
    const parts: string[] = [];
    let start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x22) {
        parts.push(this.text.substring(start, this.pos));
        this.pos++;
        return parts.join("");
      }
      if (c < 0x20) { this.fail("control character in string"); return null; }
      if (c == 0x5c) {
        parts.push(this.text.substring(start, this.pos));
        this.pos++;
        if (this.pos >= this.text.length) break;
        const e = this.text.charCodeAt(this.pos);
        if (e == 0x22) parts.push('"');
        else if (e == 0x5c) parts.push("\\");
        else if (e == 0x2f) parts.push("/");
        else if (e == 0x62) parts.push("\b");
        else if (e == 0x66) parts.push("\f");
        else if (e == 0x6e) parts.push("\n");
        else if (e == 0x72) parts.push("\r");
        else if (e == 0x74) parts.push("\t");
        else if (e == 0x75) {
          if (this.pos + 4 >= this.text.length) break;
          if (!isHex4(this.text, this.pos + 1)) { this.fail("invalid \\u escape"); return null; }
          parts.push(String.fromCharCode(I32.parseInt(this.text.substr(this.pos + 1, 4), 16)));
          this.pos += 4;
        } else { this.fail("invalid escape"); return null; }
        this.pos++;
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    this.fail("unterminated string");
    return null;
  }

  array(): JsonValue | null {
    if (++this.depth > 64) return this.fail("nesting deeper than 64");
    this.pos++;
    const arr = JsonValue.array();
    this.skipSpace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x5d) { this.pos++; this.depth--; return arr; }
    while (true) {
      const item = this.value();
      if (item === null) return null;
      arr.push(item);
      this.skipSpace();
      if (this.pos >= this.text.length) return this.fail("unterminated array");
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x5d) break;
      if (c != 0x2c) { this.pos--; return this.fail("expected ',' or ']'"); }
    }
    this.depth--;
    return arr;
  }

  object(): JsonValue | null {
    if (++this.depth > 64) return this.fail("nesting deeper than 64");
    this.pos++;
    const obj = JsonValue.object();
    this.skipSpace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x7d) { this.pos++; this.depth--; return obj; }
    while (true) {
      this.skipSpace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x22) return this.fail("expected a string key");
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x3a) return this.fail("expected ':'");
      this.pos++;
      const v = this.value();
      if (v === null) return null;
      obj.set(key, v);
      this.skipSpace();
      if (this.pos >= this.text.length) return this.fail("unterminated object");
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x7d) break;
      if (c != 0x2c) { this.pos--; return this.fail("expected ',' or '}'"); }
    }
    this.depth--;
    return obj;
  }
}

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }

function isHex4(s: string, at: i32): bool {
  for (let i = at; i < at + 4; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

export namespace json {
  let lastError: string = "";

  /** Parses JSON text; null on malformed input (see json.error()). */
  export function parse(text: string): JsonValue | null {
    const p = new Parser(text);
    const v = p.value();
    if (v !== null) {
      p.skipSpace();
      if (p.pos < text.length) { p.fail("unexpected trailing characters"); lastError = p.error; return null; }
    }
    lastError = p.error;
    return v;
  }

  /** Parses UTF-8 JSON bytes (e.g. handle's input). */
  export function parseBytes(bytes: Uint8Array): JsonValue | null {
    return parse(str(bytes));
  }

  /** Why the last parse failed ("" when it did not). */
  export function error(): string { return lastError; }
}
