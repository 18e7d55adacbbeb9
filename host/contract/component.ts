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
