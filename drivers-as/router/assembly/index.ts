// Task router: classifies a task description into the capability best suited to it.
// Input: {"task": "...", "capabilities"?: ["code", ...]} (or the description as plain text).
// Output: {"capability", "confidence", "scores", "matched", "alternatives"}.
import { fail, json, log, metrics, str, JsonValue } from "camos-driver";

class Rule {
  constructor(public capability: string, public words: string[], public weights: i32[]) {}
}

/** Keyword weights per capability: 3 = decisive, 2 = strong, 1 = hint. */
function rules(): Rule[] {
  return [
    new Rule("code",
      ["code", "bug", "function", "compile", "refactor", "typescript", "python", "rust", "stack", "trace", "exception", "api", "endpoint", "unit", "test", "repository", "pull", "merge", "deploy", "build", "debug", "crash", "implement", "class", "method"],
      [3, 3, 2, 3, 3, 3, 3, 3, 1, 2, 3, 2, 2, 1, 1, 2, 1, 2, 2, 1, 3, 2, 2, 1, 1]),
    new Rule("data",
      ["data", "dataset", "csv", "sql", "query", "database", "table", "column", "aggregate", "average", "sum", "join", "etl", "pipeline", "chart", "plot", "metric", "dashboard", "spreadsheet", "row", "statistics", "trend"],
      [2, 3, 3, 3, 2, 3, 1, 2, 2, 2, 1, 1, 3, 1, 2, 2, 1, 2, 3, 1, 2, 1]),
    new Rule("research",
      ["research", "find", "search", "look", "source", "paper", "compare", "investigate", "background", "literature", "cite", "evidence", "survey", "learn", "explain", "why", "what", "who"],
      [3, 2, 3, 1, 1, 2, 2, 3, 1, 3, 2, 2, 2, 1, 2, 1, 1, 1]),
    new Rule("writing",
      ["write", "draft", "email", "letter", "blog", "post", "summarize", "summary", "rewrite", "edit", "proofread", "tone", "essay", "announcement", "reply", "document", "paragraph", "copy"],
      [2, 3, 3, 3, 3, 1, 3, 3, 3, 2, 3, 2, 3, 2, 2, 1, 2, 1]),
    new Rule("math",
      ["calculate", "compute", "equation", "solve", "integral", "derivative", "probability", "percent", "percentage", "formula", "algebra", "matrix", "proof", "sum", "multiply", "divide"],
      [3, 2, 3, 2, 3, 3, 3, 2, 2, 2, 3, 2, 2, 1, 3, 3]),
    new Rule("translation",
      ["translate", "translation", "french", "german", "spanish", "english", "japanese", "chinese", "language", "localize", "localization"],
      [3, 3, 2, 2, 2, 1, 2, 2, 1, 3, 3]),
    new Rule("scheduling",
      ["schedule", "meeting", "calendar", "remind", "reminder", "appointment", "tomorrow", "deadline", "book", "reschedule", "availability", "agenda"],
      [3, 3, 3, 3, 3, 3, 1, 2, 1, 3, 3, 2]),
  ];
}

/** Lowercase words of the text, with common English suffixes removed. */
function words(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 0x20;
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (letter && start < 0) start = i;
    else if (!letter && start >= 0) {
      out.push(stem(lower.substring(start, i)));
      start = -1;
    }
  }
  return out;
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith("ing")) return w.substring(0, w.length - 3);
  if (w.length > 4 && w.endsWith("ies")) return w.substring(0, w.length - 3) + "y";
  if (w.length > 4 && w.endsWith("ed") && !w.endsWith("eed")) return w.substring(0, w.length - 2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.substring(0, w.length - 1);
  return w;
}

function matches(word: string, keyword: string): bool {
  return word == keyword || stem(keyword) == word;
}

export function handle(input: Uint8Array): Uint8Array {
  let task = "";
  let allowed: string[] = [];
  const parsed = json.parseBytes(input);
  if (parsed !== null && parsed.isObject) {
    const t = parsed.get("task");
    if (t === null || !t.isString) return fail("input needs a string field 'task' (the task description)");
    task = t.string;
    const caps = parsed.get("capabilities");
    if (caps !== null && caps.isArray) {
      for (let i = 0; i < caps.length; i++) allowed.push(caps.items[i].asString());
    }
  } else if (parsed !== null && parsed.isString) {
    task = parsed.string;
  } else {
    task = str(input);
  }
  if (task.trim().length == 0) return fail("the task description is empty");

  const tokens = words(task);
  const all = rules();
  const scores = JsonValue.object();
  const matched = JsonValue.array();
  let best = "general";
  let bestScore = 0;
  let total = 0;
  const ranked: string[] = [];
  const rankedScores: i32[] = [];
  for (let r = 0; r < all.length; r++) {
    const rule = all[r];
    if (allowed.length > 0 && !allowed.includes(rule.capability)) continue;
    let score = 0;
    for (let k = 0; k < rule.words.length; k++) {
      for (let t = 0; t < tokens.length; t++) {
        if (matches(tokens[t], rule.words[k])) {
          score += rule.weights[k];
          matched.push(JsonValue.str(rule.capability + ":" + rule.words[k]));
          break;
        }
      }
    }
    scores.set(rule.capability, JsonValue.num(<f64>score));
    total += score;
    if (score > 0) {
      // Keep `ranked` sorted by score, highest first; ties keep rule order.
      ranked.push(rule.capability);
      rankedScores.push(score);
      for (let at = ranked.length - 1; at > 0 && rankedScores[at - 1] < rankedScores[at]; at--) {
        const c = ranked[at]; ranked[at] = ranked[at - 1]; ranked[at - 1] = c;
        const s = rankedScores[at]; rankedScores[at] = rankedScores[at - 1]; rankedScores[at - 1] = s;
      }
    }
    if (score > bestScore) {
      bestScore = score;
      best = rule.capability;
    }
  }
  const confidence = total > 0 ? <f64>bestScore / <f64>total : 0.0;
  const alternatives = JsonValue.array();
  for (let i = 1; i < ranked.length && i < 3; i++) {
    alternatives.push(JsonValue.object().set("capability", JsonValue.str(ranked[i])).set("score", JsonValue.num(<f64>rankedScores[i])));
  }
  log.debug("routed to " + best + " (score " + bestScore.toString() + " of " + total.toString() + ")");
  metrics.emit("router.confidence", confidence);
  return JsonValue.object()
    .set("capability", JsonValue.str(best))
    .set("confidence", JsonValue.num(Math.round(confidence * 1000) / 1000))
    .set("scores", scores)
    .set("matched", matched)
    .set("alternatives", alternatives)
    .toBytes();
}
