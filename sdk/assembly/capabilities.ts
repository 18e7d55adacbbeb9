// The driver-facing API over the host imports. Each function uses one import, so a
// driver that never logs has no `log` import, and so on.
import { hostContextRead, hostContextWrite, hostEmitMetric, hostLog, hostNowMs } from "./host";
import { liftOptionalBytes, OPTION_AREA } from "./abi";
import { str, text } from "./result";

function emitLog(level: i32, message: string): void {
  const bytes = String.UTF8.encode(message);
  hostLog(level, changetype<usize>(bytes), <usize>bytes.byteLength);
}

export namespace log {
  export function trace(message: string): void { emitLog(0, message); }
  export function debug(message: string): void { emitLog(1, message); }
  export function info(message: string): void { emitLog(2, message); }
  export function warn(message: string): void { emitLog(3, message); }
  export function error(message: string): void { emitLog(4, message); }
}

export namespace context {
  /** The latest value of namespace/key as the calling task sees it, or null. */
  export function read(namespace: string, key: string): Uint8Array | null {
    const ns = String.UTF8.encode(namespace);
    const k = String.UTF8.encode(key);
    store<u8>(OPTION_AREA, 0);
    hostContextRead(changetype<usize>(ns), <usize>ns.byteLength, changetype<usize>(k), <usize>k.byteLength, OPTION_AREA);
    return liftOptionalBytes(OPTION_AREA);
  }

  /** read() decoded as UTF-8, or null. */
  export function readString(namespace: string, key: string): string | null {
    const bytes = read(namespace, key);
    return bytes === null ? null : str(bytes);
  }

  /** Stages a write in the calling task: it commits with the task or not at all. */
  export function write(namespace: string, key: string, value: Uint8Array): void {
    const ns = String.UTF8.encode(namespace);
    const k = String.UTF8.encode(key);
    hostContextWrite(changetype<usize>(ns), <usize>ns.byteLength, changetype<usize>(k), <usize>k.byteLength, value.dataStart, <usize>value.byteLength);
  }

  export function writeString(namespace: string, key: string, value: string): void {
    write(namespace, key, text(value));
  }
}

export namespace metrics {
  export function emit(name: string, value: f64): void {
    const bytes = String.UTF8.encode(name);
    hostEmitMetric(changetype<usize>(bytes), <usize>bytes.byteLength, value);
  }
}

export namespace clock {
  /** Milliseconds since the Unix epoch, from the host. */
  export function nowMs(): u64 {
    return hostNowMs();
  }
}
