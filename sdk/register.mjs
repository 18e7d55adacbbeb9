// `node --import camos/register`: lets a program outside this package (a scaffolded
// driver's test) import 'camos', whose sources are TypeScript, through camos's own tsx.
import { register } from 'tsx/esm/api';

register();
