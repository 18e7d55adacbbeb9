// Rate limiter: a token bucket per key, kept in context (namespace "ratelimit"), refilled
// by the host clock. Each call takes `cost` tokens if the bucket holds them.
// Input:  {"key": "agent-a", "cost"?: 1, "rate"?: 1 (tokens per second), "burst"?: 10}
// Output: {"allowed", "remaining", "retryAfterMs", "rate", "burst"}
import { clock, context, fail, json, metrics, JsonValue } from "camos-driver";

const NAMESPACE = "ratelimit";

function numberField(request: JsonValue, name: string, fallback: f64): f64 {
  const v = request.get(name);
  return v !== null && v.isNumber ? v.number : fallback;
}

export function handle(input: Uint8Array): Uint8Array {
  const request = json.parseBytes(input);
  if (request === null || !request.isObject) return fail("input must be a JSON object {\"key\", \"cost\"?, \"rate\"?, \"burst\"?}");
  const keyValue = request.get("key");
  if (keyValue === null || !keyValue.isString || keyValue.string.length == 0) return fail("input needs a non-empty string field 'key'");
  const key = keyValue.string;
  const cost = numberField(request, "cost", 1);
  const rate = numberField(request, "rate", 1);
  const burst = numberField(request, "burst", 10);
  if (!(cost > 0)) return fail("'cost' must be greater than 0");
  if (!(rate > 0)) return fail("'rate' must be greater than 0 (tokens per second)");
  if (!(burst >= 1)) return fail("'burst' must be at least 1");
  if (cost > burst) return fail("'cost' " + JsonValue.num(cost).stringify() + " can never be met by a bucket of 'burst' " + JsonValue.num(burst).stringify());

  const now = <f64>clock.nowMs();
  let tokens = burst;
  let updated = now;
  const stored = context.readString(NAMESPACE, key);
  if (stored !== null) {
    const state = json.parse(stored);
    if (state !== null && state.isObject) {
      tokens = Math.min(burst, numberField(state, "tokens", burst));
      updated = numberField(state, "updatedMs", now);
    }
  }
  const elapsed = Math.max(0, now - updated);
  tokens = Math.min(burst, tokens + (elapsed * rate) / 1000);

  const allowed = tokens >= cost;
  let retryAfterMs: f64 = 0;
  if (allowed) tokens -= cost;
  else retryAfterMs = Math.ceil(((cost - tokens) / rate) * 1000);

  const state = JsonValue.object()
    .set("tokens", JsonValue.num(tokens))
    .set("updatedMs", JsonValue.num(now))
    .set("rate", JsonValue.num(rate))
    .set("burst", JsonValue.num(burst));
  context.write(NAMESPACE, key, state.toBytes());
  metrics.emit(allowed ? "ratelimit.allowed" : "ratelimit.throttled", 1);

  return JsonValue.object()
    .set("allowed", JsonValue.bool(allowed))
    .set("remaining", JsonValue.num(Math.floor(tokens)))
    .set("retryAfterMs", JsonValue.num(retryAfterMs))
    .set("rate", JsonValue.num(rate))
    .set("burst", JsonValue.num(burst))
    .toBytes();
}
