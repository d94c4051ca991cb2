import { Health } from '../model/types';

/** The @grafana/ui Badge colour of each health, the same wherever a status is shown. */
export const HEALTH_COLOR: Record<Health, 'green' | 'blue' | 'orange' | 'red' | 'purple'> = {
  [Health.Healthy]: 'green',
  [Health.Progressing]: 'blue',
  [Health.Warning]: 'orange',
  [Health.Failed]: 'red',
  [Health.Unknown]: 'purple',
};
