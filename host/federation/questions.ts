// Questions across the mesh: sys_explain_action, sys_nl_query and sys_trace_get asked of
// every peer's audit log by NATS request/reply. The asking kernel signs the question with
// the caller's identity in it; an answering kernel checks the signature against its trust
// list and runs the question through its own pipeline as that caller (the federation door),
// so that its own policies and audit scope decide what the caller may read there, exactly as
// for a local call. The answer is signed too and bound to the question, so that nothing else
// on the subject can answer for a node. No chain crosses: each kernel reads only its own log.
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import { Code, SyscallError, unavailable } from '../base/errors.ts';
import type { KeyStore } from '../crypto/index.ts';
import type { Principal } from '../contract/index.ts';
import type { FederationConfig } from './config.ts';
import { Refused } from './envelope.ts';
import type { MeshLink } from './link.ts';
import { QUESTION_SYSCALLS, type MeshHost, type MeshQuestions, type NodeAnswer, type QuestionSyscall } from './mesh.ts';
import type { FederationMetrics } from './metrics.ts';
import { openMessage, reportRefused, signMessage, type Signer } from './signed.ts';
import { HEADER, questionSubject } from './subjects.ts';
import type { TrustList } from './trust.ts';

const QuestionSchema = z
  .object({
    id: z.string().uuid(),
    syscall: z.enum(QUESTION_SYSCALLS),
    request: z.record(z.string(), z.unknown()),
    /** Who asks: the caller on the asking kernel. The answering kernel's policies decide what it may read. */
    principal: z.object({ id: z.string().min(1).max(128), kind: z.enum(['agent', 'admin']) }).strict(),
  })
  .strict();

const AnswerSchema = z
  .object({
    question: z.string().uuid(),
    /** The node that asked: an answer to another node's question is not one to ours. */
    to: z.string(),
    result: z.unknown().optional(),
    error: z.object({ code: z.enum(Object.values(Code) as [Code, ...Code[]]), message: z.string() }).strict().optional(),
  })
  .strict();

export interface QuestionsOptions {
  config: FederationConfig;
  nodeId: string;
  keys: KeyStore;
  trust: TrustList;
  metrics: FederationMetrics;
  link: MeshLink;
  log: { warn(o: object, m: string): void };
}

export class Questions implements MeshQuestions {
  private host?: MeshHost;
  private sub?: Subscription;
  /** Questions answered within the replay window, by id: the same signed question twice is a replay. */
  private readonly seen = new Map<string, number>();
  private readonly signer: Signer;
  readonly nodeId: string;

  constructor(private readonly o: QuestionsOptions) {
    this.signer = { cluster: o.config.cluster, nodeId: o.nodeId, keys: o.keys };
    this.nodeId = o.nodeId;
  }

  /** Starts answering peers' questions, once the kernel is open. */
  attach(host: MeshHost): void {
    this.host = host;
    void this.o.link.ready.then((nc) => this.serve(nc));
  }

  // ------------------------------------------------------------------ asking

  async ask<T>(syscall: QuestionSyscall, request: Record<string, unknown>, principal: Principal): Promise<NodeAnswer<T>[]> {
    const peers = this.o.trust.size();
    if (!peers) return [];
    const nc = this.o.link.nc;
    if (!nc || !this.o.link.connected()) return [{ node: '', error: { code: Code.UNAVAILABLE, message: `the peers were not asked: NATS is unreachable (${this.o.link.lastError || 'connecting'})` } }];
    if (principal.kind !== 'agent' && principal.kind !== 'admin') return [];
    const id = randomUUID();
    const signed = await signMessage('question', { id, syscall, request, principal: { id: principal.id, kind: principal.kind } }, this.signer);
    const answers = new Map<string, NodeAnswer<T>>();
    try {
      const replies = await nc.requestMany(questionSubject(this.o.config.cluster), signed.text, {
        headers: this.headersOf(signed.signature),
        maxWait: this.o.config.questionTimeoutMs,
        // Not 'count': anything on the subject could answer first and use up the count.
        strategy: 'timer',
      });
      for await (const m of replies) {
        try {
          const { node, body } = openMessage('answer', m.string(), m.headers?.get(HEADER.signature) || undefined, AnswerSchema, { cluster: this.o.config.cluster, trust: this.o.trust });
          if (body.question !== id || body.to !== this.nodeId) throw new Refused('replay', `an answer from node ${node} to another question`, node);
          if (node === this.nodeId || answers.has(node)) continue;
          answers.set(node, { node, ...(body.error ? { error: body.error } : { result: body.result as T }) });
          if (answers.size >= peers) break;
        } catch (e) {
          this.refused(e, 'answer');
        }
      }
    } catch (e) {
      // No responder at all answers at once with an error: there is nothing to add.
      if (!answers.size) this.o.log.warn({ err: e }, `federation: a question to the peers failed: ${(e as Error).message}`);
    }
    return [...answers.values()].sort((a, b) => a.node.localeCompare(b.node));
  }

  // ------------------------------------------------------------------ answering

  private serve(nc: NatsConnection): void {
    if (this.o.link.closed) return;
    this.sub = nc.subscribe(questionSubject(this.o.config.cluster), { callback: (err, m) => void (err ? undefined : this.answer(m)) });
  }

  private async answer(m: Msg): Promise<void> {
    let question: z.infer<typeof QuestionSchema>;
    let from: string;
    try {
      const opened = openMessage('question', m.string(), m.headers?.get(HEADER.signature) || undefined, QuestionSchema, { cluster: this.o.config.cluster, trust: this.o.trust });
      if (opened.node === this.nodeId) return;
      const window = this.o.config.maxClockAheadMs;
      const now = Date.now();
      if (Math.abs(now - opened.ts) > window) throw new Refused('replay', `a question from node ${opened.node} signed ${now - opened.ts} ms from now, outside federation.maxClockAheadMs (${window} ms)`, opened.node);
      for (const [qid, at] of this.seen) if (now - at > window) this.seen.delete(qid);
      if (this.seen.has(opened.body.id)) throw new Refused('replay', `question ${opened.body.id} from node ${opened.node} was answered already`, opened.node);
      this.seen.set(opened.body.id, now);
      question = opened.body;
      from = opened.node;
    } catch (e) {
      // A refused question gets no answer: nothing about this kernel's log leaves it.
      this.refused(e, 'question');
      return;
    }
    let reply: z.input<typeof AnswerSchema>;
    try {
      if (!this.host) throw unavailable(`node ${this.nodeId} is starting`);
      const result = await this.host.dispatch(question.syscall, question.request, { id: question.principal.id, kind: question.principal.kind });
      reply = { question: question.id, to: from, result };
    } catch (e) {
      const code = e instanceof SyscallError ? e.code : Code.INTERNAL;
      reply = { question: question.id, to: from, error: { code, message: (e as Error).message } };
    }
    const signed = await signMessage('answer', reply, this.signer);
    m.respond(signed.text, { headers: this.headersOf(signed.signature) });
  }

  private headersOf(signature: string) {
    const h = natsHeaders();
    h.set(HEADER.signature, signature);
    return h;
  }

  private refused(e: unknown, what: string): void {
    reportRefused(e, what, { ...this.o, audit: this.host?.audit() });
  }

  close(): void {
    this.sub?.unsubscribe();
  }
}
