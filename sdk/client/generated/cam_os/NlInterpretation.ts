// Original file: proto/cam_os.proto

import type { NlEntity as _cam_os_NlEntity, NlEntity__Output as _cam_os_NlEntity__Output } from '../cam_os/NlEntity.ts';
import type { NlWindow as _cam_os_NlWindow, NlWindow__Output as _cam_os_NlWindow__Output } from '../cam_os/NlWindow.ts';
import type { NlUnresolved as _cam_os_NlUnresolved, NlUnresolved__Output as _cam_os_NlUnresolved__Output } from '../cam_os/NlUnresolved.ts';

export interface NlInterpretation {
  'intent'?: (string);
  'entities'?: (_cam_os_NlEntity)[];
  'window'?: (_cam_os_NlWindow | null);
  'filters'?: ({[key: string]: string});
  'unresolved'?: (_cam_os_NlUnresolved)[];
  'ignored'?: (string)[];
  'confidence'?: (number | string);
  'summary'?: (string);
}

export interface NlInterpretation__Output {
  'intent': (string);
  'entities': (_cam_os_NlEntity__Output)[];
  'window': (_cam_os_NlWindow__Output | null);
  'filters': ({[key: string]: string});
  'unresolved': (_cam_os_NlUnresolved__Output)[];
  'ignored': (string)[];
  'confidence': (number);
  'summary': (string);
}
