import { z } from 'zod';
import { unimplemented } from '../base/errors.ts';
import type { SyscallDef } from './types.ts';

/** The row of a syscall whose subsystem is not built yet: it answers UNIMPLEMENTED. */
export function notYet(name: string, resourceType: string): SyscallDef {
  return {
    schema: z.any(),
    action: name.replace(/^sys_/, ''),
    resource: () => ({ type: resourceType, id: '*' }),
    handle: () => {
      throw unimplemented(`${name} is not available yet`);
    },
  };
}
