// A running task's cancellation (rollback, shutdown): the flag and the one listener the
// runtime registers, without an AbortController's weight (it is made for every task).
import type { CancelSignal } from '../drivers/runtime.ts';

export class TaskSignal implements CancelSignal {
  aborted = false;
  private listener?: EventListenerObject;

  addEventListener(_type: 'abort', listener: EventListenerObject): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: EventListenerObject): void {
    if (this.listener === listener) this.listener = undefined;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.handleEvent(new Event('abort'));
  }
}
