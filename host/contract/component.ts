// A subsystem as the kernel sees it: something that reports health and can be closed.

export interface ComponentHealth {
  status: 'ok' | 'degraded' | 'down' | 'unavailable';
  details: Record<string, string>;
}

export interface Component {
  name: string;
  health(): ComponentHealth | Promise<ComponentHealth>;
  close?(): void | Promise<void>;
}

/** The kernel's health: its own and each component's. */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  /** The components not ok (degraded or down). */
  degraded: string[];
  components: Record<string, ComponentHealth>;
  timestamp: number;
  version: string;
  uptimeMs: number;
}
