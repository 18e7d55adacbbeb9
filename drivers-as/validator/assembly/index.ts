// JSON validator and transformer: validates a document against a schema stored in context
// (namespace "schemas"), then transforms it as the schema declares.
// Input:  {"schema": "<key in namespace schemas>", "document": <any JSON>}
// Output: {"valid": true, "document": <transformed>} or {"valid": false, "errors": [{"path", "message"}]}
// Schema keywords (a JSON Schema subset): type, enum, const, properties, required,
// additionalProperties, items, minItems, maxItems, minLength, maxLength, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum; transforms: default, x-transform ("trim",
// "lowercase", "uppercase"), x-rename.
import { context, fail, json, JsonValue } from "camos-driver";

const SCHEMA_NAMESPACE = "schemas";

class Validation {
  errors: JsonValue = JsonValue.array();

  error(path: string, message: string): void {
    this.errors.push(JsonValue.object().set("path", JsonValue.str(path)).set("message", JsonValue.str(message)));
  }
}

function typeMatches(expected: string, value: JsonValue): bool {
  if (expected == "number") return value.isNumber;
  if (expected == "integer") return value.isInteger;
  return value.typeName == expected;
}

function checkType(schema: JsonValue, value: JsonValue, path: string, v: Validation): bool {
  const t = schema.get("type");
  if (t === null) return true;
  if (t.isString) {
    if (typeMatches(t.string, value)) return true;
    v.error(path, "expected " + t.string + ", got " + value.typeName);
    return false;
  }
  if (t.isArray) {
    const names: string[] = [];
    for (let i = 0; i < t.length; i++) {
      const name = t.items[i].asString();
      if (typeMatches(name, value)) return true;
      names.push(name);
    }
    v.error(path, "expected one of " + names.join(", ") + ", got " + value.typeName);
    return false;
  }
  return true;
}

function equal(a: JsonValue, b: JsonValue): bool {
  return a.stringify() == b.stringify();
}

function transformString(schema: JsonValue, value: JsonValue): JsonValue {
  const t = schema.get("x-transform");
  if (t === null || !value.isString) return value;
  const how = t.asString();
  if (how == "trim") return JsonValue.str(value.string.trim());
  if (how == "lowercase") return JsonValue.str(value.string.toLowerCase());
  if (how == "uppercase") return JsonValue.str(value.string.toUpperCase());
  return value;
}

/** Validates value against schema and returns its transformed copy. */
function apply(schema: JsonValue, input: JsonValue, path: string, v: Validation): JsonValue {
  const value = transformString(schema, input);
  if (!checkType(schema, value, path, v)) return value;

  const en = schema.get("enum");
  if (en !== null && en.isArray) {
    let found = false;
    for (let i = 0; i < en.length; i++) if (equal(en.items[i], value)) { found = true; break; }
    if (!found) v.error(path, "must be one of " + en.stringify());
  }
  const cn = schema.get("const");
  if (cn !== null && !equal(cn, value)) v.error(path, "must equal " + cn.stringify());

  if (value.isString) {
    const len = value.string.length;
    const minL = schema.get("minLength");
    if (minL !== null && <f64>len < minL.asNumber()) v.error(path, "shorter than " + minL.stringify() + " characters");
    const maxL = schema.get("maxLength");
    if (maxL !== null && <f64>len > maxL.asNumber()) v.error(path, "longer than " + maxL.stringify() + " characters");
  }
  if (value.isNumber) {
    const n = value.number;
    const min = schema.get("minimum");
    if (min !== null && n < min.asNumber()) v.error(path, "less than the minimum " + min.stringify());
    const max = schema.get("maximum");
    if (max !== null && n > max.asNumber()) v.error(path, "greater than the maximum " + max.stringify());
    const xmin = schema.get("exclusiveMinimum");
    if (xmin !== null && n <= xmin.asNumber()) v.error(path, "must be greater than " + xmin.stringify());
    const xmax = schema.get("exclusiveMaximum");
    if (xmax !== null && n >= xmax.asNumber()) v.error(path, "must be less than " + xmax.stringify());
  }
  if (value.isArray) {
    const minI = schema.get("minItems");
    if (minI !== null && <f64>value.length < minI.asNumber()) v.error(path, "fewer than " + minI.stringify() + " items");
    const maxI = schema.get("maxItems");
    if (maxI !== null && <f64>value.length > maxI.asNumber()) v.error(path, "more than " + maxI.stringify() + " items");
    const items = schema.get("items");
    const out = JsonValue.array();
    for (let i = 0; i < value.length; i++) {
      const item = value.items[i];
      out.push(items !== null && items.isObject ? apply(items, item, path + "[" + i.toString() + "]", v) : item);
    }
    return out;
  }
  if (value.isObject) return applyObject(schema, value, path, v);
  return value;
}

function applyObject(schema: JsonValue, value: JsonValue, path: string, v: Validation): JsonValue {
  const props = schema.get("properties");
  const out = JsonValue.object();
  const working = JsonValue.object();
  for (let i = 0; i < value.keys.length; i++) working.set(value.keys[i], value.items[i]);
  if (props !== null && props.isObject) {
    for (let i = 0; i < props.keys.length; i++) {
      const def = props.items[i].get("default");
      if (def !== null && !working.has(props.keys[i])) working.set(props.keys[i], def);
    }
  }
  const required = schema.get("required");
  if (required !== null && required.isArray) {
    for (let i = 0; i < required.length; i++) {
      const name = required.items[i].asString();
      if (!working.has(name)) v.error(path + "." + name, "is required");
    }
  }
  const additional = schema.get("additionalProperties");
  for (let i = 0; i < working.keys.length; i++) {
    const key = working.keys[i];
    const item = working.items[i];
    const sub = props !== null ? props.get(key) : null;
    if (sub !== null && sub.isObject) {
      const renamed = sub.get("x-rename");
      out.set(renamed !== null && renamed.isString ? renamed.string : key, apply(sub, item, path + "." + key, v));
    } else if (additional !== null && additional.isBool && !additional.boolean) {
      v.error(path + "." + key, "is not allowed (additionalProperties is false)");
    } else if (additional !== null && additional.isObject) {
      out.set(key, apply(additional, item, path + "." + key, v));
    } else {
      out.set(key, item);
    }
  }
  return out;
}

export function handle(input: Uint8Array): Uint8Array {
  const request = json.parseBytes(input);
  if (request === null) return fail("input is not JSON: " + json.error());
  if (!request.isObject) return fail("input must be an object {\"schema\", \"document\"}");
  const name = request.get("schema");
  if (name === null || !name.isString || name.string.length == 0) return fail("input needs a string field 'schema' (a key in namespace '" + SCHEMA_NAMESPACE + "')");
  const document = request.get("document");
  if (document === null) return fail("input needs a field 'document' (the JSON to validate)");

  const schemaText = context.readString(SCHEMA_NAMESPACE, name.string);
  if (schemaText === null) return fail("no schema '" + name.string + "' in context namespace '" + SCHEMA_NAMESPACE + "'");
  const schema = json.parse(schemaText);
  if (schema === null || !schema.isObject) return fail("schema '" + name.string + "' is not a JSON object: " + json.error());

  const v = new Validation();
  const transformed = apply(schema, document, "$", v);
  const out = JsonValue.object().set("valid", JsonValue.bool(v.errors.length == 0));
  if (v.errors.length == 0) out.set("document", transformed);
  else out.set("errors", v.errors);
  return out.toBytes();
}
