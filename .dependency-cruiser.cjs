// The layers of host/, lowest first: a module may import its own layer and the layers
// below it, never one above, and no import cycle anywhere (`npm run lint`; docs/ARCHITECTURE.md).
//
//   cli -> doors -> kernel -> syscalls -> subsystems -> contract -> base
const LAYERS = [
  { name: 'base', paths: ['host/base/'] },
  { name: 'contract', paths: ['host/contract/'] },
  {
    name: 'subsystems',
    paths: ['host/(identity|config|crypto|context|agents|policy|audit|telemetry|scheduler|drivers|toolchain|wire|federation)/'],
  },
  { name: 'syscalls', paths: ['host/syscalls/'] },
  { name: 'kernel', paths: ['host/kernel\\.ts$', 'host/data-dir\\.ts$'] },
  { name: 'doors', paths: ['host/doors/'] },
  { name: 'cli', paths: ['host/cli/', 'host/index\\.ts$', 'sdk/'] },
];

// Imports that point up, excused one by one: [from, to, why]. None is left (issue #17); an
// entry needs a reason and an issue that removes it.
const EXCEPTIONS = [];
// The cycles such imports make, which pass through kernel.ts, are excused with them.
const EXCUSED_CYCLES_VIA = EXCEPTIONS.length ? '^host/kernel\\.ts$' : undefined;

const any = (paths) => `^(${paths.join('|')})`;
const upward = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flatMap((l) => l.paths);
  if (!above.length) return [];
  const excused = EXCEPTIONS.filter(([from]) => new RegExp(any(layer.paths)).test(from));
  const rule = (name, from, to) => ({ name, severity: 'error', comment: `${layer.name} may import only its own layer and those below it`, from, to });
  return [
    rule(`${layer.name}-imports-up`, { path: any(layer.paths), ...(excused.length ? { pathNot: excused.map(([f]) => `^${f}$`) } : {}) }, { path: any(above) }),
    ...excused.map(([from]) =>
      rule(`${layer.name}-imports-up`, { path: `^${from}$` }, { path: any(above), pathNot: EXCEPTIONS.filter(([f]) => f === from).map(([, t]) => `^${t}$`) }),
    ),
  ];
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle makes two modules one: break it by moving the shared part down a layer', from: {}, to: { circular: true, ...(EXCUSED_CYCLES_VIA ? { viaNot: EXCUSED_CYCLES_VIA } : {}) } },
    ...upward,
    {
      name: 'grpc-only-at-the-doors',
      severity: 'error',
      comment:
        'errors are domain codes below the doors: only the doors (host/doors/status.ts), the wire and the CLI know gRPC; ' +
        'and the grpc driver kind, which is a gRPC client of its driver process and maps its statuses to domain codes itself',
      from: { path: '^host/', pathNot: ['^host/(doors|wire|cli)/', '^host/drivers/kinds/grpc\\.ts$'] },
      to: { path: '@grpc/' },
    },
    {
      name: 'every-module-has-a-layer',
      severity: 'error',
      comment: 'a new folder of host/ must be placed in LAYERS',
      from: { path: '^host/', pathNot: any(LAYERS.flatMap((l) => l.paths)) },
      to: {},
    },
  ],
  options: {
    tsPreCompilationDeps: true, // `import type` counts: a type is a dependency too
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)assembly/' }, // node_modules is in the graph, unfollowed: the gRPC rule sees imports of it
  },
};
