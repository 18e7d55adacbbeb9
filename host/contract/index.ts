// The types the subsystems share, and nothing else: no code, no imports from above base/.
export type { Door, DriverScope, Principal } from './principal.ts';
export type { AuthorizationDecision, AuthorizationQuery, Authorizer, Resource } from './authorization.ts';
export type { AuditEntry, AuditSink } from './audit.ts';
export type { Component, ComponentHealth, HealthReport } from './component.ts';
