// Answers from several kernels' audit logs, told as one: each fact names the node whose log
// holds it. Nothing is merged across chains: each node's explanation is its own paragraph,
// from its own records, under its own scope rules (host/federation/questions.ts).
import type { Answer } from './ask.ts';
import type { EvidenceRecord, Explanation } from './explain.ts';
import type { Code } from '../base/errors.ts';

/** One node's answer: its result, or why it gave none. */
export interface FromNode<T> {
  node: string;
  result?: T;
  error?: { code: Code; message: string };
}

type Noded<T> = T & { node: string };
const tag = (node: string) => <T extends object>(r: T): Noded<T> => ({ ...r, node });
/** Peers that answered with something other than a result, as facts of their own ("k2: PERMISSION_DENIED ..."). */
const silent = <T>(parts: FromNode<T>[], except: (code: Code) => boolean) =>
  parts.filter((p) => p.error && !except(p.error.code)).map((p) => `${p.node ? `node ${p.node}` : 'the federation'} gave no answer: ${p.error!.message}`);

/** The explanations of every node that has records of the action; undefined when none has. */
export function explanationsOf(parts: FromNode<Explanation>[], notFound: Code): Explanation | undefined {
  const found = parts.filter((p): p is FromNode<Explanation> & { result: Explanation } => !!p.result);
  const notes = silent(parts, (c) => c === notFound);
  if (!found.length) return undefined;
  const one = found.length === 1;
  const on = (node: string, s: string) => (one ? s : `[${node}] ${s}`);
  return {
    explanation: one ? `${found[0].result.explanation} (from the audit log of node ${found[0].node})` : found.map((p) => `On node ${p.node}: ${p.result.explanation}`).join(' '),
    reasoningChain: found.flatMap((p) => p.result.reasoningChain.map((s) => on(p.node, s))),
    evidence: [...found.flatMap((p) => p.result.evidence.map((s) => on(p.node, s))), ...notes],
    confidence: Math.min(...found.map((p) => p.result.confidence)),
    records: found.flatMap((p) => p.result.records.map(tag(p.node))).sort((a, b) => a.timestamp - b.timestamp) as EvidenceRecord[],
  };
}

/** This node's answer, followed by every peer's that found something, each naming its node. */
export function answersOf(local: FromNode<Answer> & { result: Answer }, peers: FromNode<Answer>[]): Answer {
  const found = peers.filter((p): p is FromNode<Answer> & { result: Answer } => !!p.result && p.result.evidence.length > 0);
  const notes = silent(peers, () => false);
  const paragraphs = found.map((p) => `On node ${p.node}: ${p.result.answer}`);
  return {
    ...local.result,
    answer: [`${local.node ? `On node ${local.node}: ` : ''}${local.result.answer}`, ...paragraphs, ...notes].join('\n\n'),
    understood: local.result.understood || found.some((p) => p.result.understood),
    evidence: [local, ...found].flatMap((p) => p.result.evidence.map(tag(p.node))),
  };
}

/** The spans of a trace on every node (telemetry's SpanRecord), each naming its node, in time order. */
export function spansOf<S extends { timestamp: number }>(parts: FromNode<{ spans: S[] }>[]): Noded<S>[] {
  return parts.flatMap((p) => (p.result?.spans ?? []).map(tag(p.node))).sort((a, b) => a.timestamp - b.timestamp);
}
