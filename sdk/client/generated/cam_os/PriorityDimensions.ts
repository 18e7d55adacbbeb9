// Original file: proto/cam_os.proto


export interface PriorityDimensions {
  'urgency'?: (number | string);
  'importance'?: (number | string);
  'efficiency'?: (number | string);
  'energy'?: (number | string);
  'trust'?: (number | string);
}

export interface PriorityDimensions__Output {
  'urgency': (number);
  'importance': (number);
  'efficiency': (number);
  'energy': (number);
  'trust': (number);
}
