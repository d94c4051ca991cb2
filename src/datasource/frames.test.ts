import { FieldType } from '@grafana/data';
import { normalizeAll } from '../model/normalize';
import { buildFrame, ingressRules, servicePorts } from './frames';

const pod = {
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'u1',
    creationTimestamp: '2026-11-20T10:00:00Z',
    labels: { app: 'web' },
  },
  spec: {
    nodeName: 'node-a',
    containers: [{ name: 'app', image: 'web:1', resources: { requests: { cpu: '250m', memory: '128Mi' } } }],
  },
  status: {
    phase: 'Running',
    podIP: '10.1.0.5',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      { name: 'app', ready: true, restartCount: 3, state: { running: { startedAt: '2026-11-20T10:01:00Z' } } },
    ],
  },
};

describe('buildFrame', () => {
  it('types pod fields: numbers in cores and bytes, times in epoch ms', () => {
    const frame = buildFrame('pods', normalizeAll('Pod', [pod]), 'A');
    const field = (name: string) => frame.fields.find((f) => f.name === name)!;
    expect(frame.refId).toBe('A');
    expect(frame.length).toBe(1);
    expect(field('Name').values[0]).toBe('web-1');
    expect(field('Restarts')).toMatchObject({ type: FieldType.number, values: [3] });
    expect(field('CPU requests')).toMatchObject({ type: FieldType.number, values: [0.25], config: { unit: 'short' } });
    expect(field('Memory requests')).toMatchObject({ values: [128 * 1024 * 1024], config: { unit: 'bytes' } });
    expect(field('Created')).toMatchObject({ type: FieldType.time, values: [Date.parse('2026-11-20T10:00:00Z')] });
    expect(field('Ready').values[0]).toBe('1/1');
    expect(field('Node').values[0]).toBe('node-a');
    expect(field('Labels').values[0]).toBe('app=web');
  });

  it('keeps a row with nulls for an object missing optional fields', () => {
    const frame = buildFrame('pods', normalizeAll('Pod', [{ metadata: { name: 'bare', namespace: 'x' } }]));
    expect(frame.length).toBe(1);
    expect(frame.fields.find((f) => f.name === 'Node')!.values[0]).toBeNull();
    expect(frame.fields.find((f) => f.name === 'Created')!.values[0]).toBeNull();
  });

  it('describes service ports and ingress rules', () => {
    const [service] = normalizeAll('Service', [
      {
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          type: 'NodePort',
          selector: { app: 'web' },
          ports: [
            { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
            { port: 9090, protocol: 'TCP' },
          ],
        },
      },
    ]);
    expect(servicePorts(service)).toBe('http 80→8080/TCP (node 30080), 9090/TCP');
    const frame = buildFrame('services', [service]);
    expect(frame.fields.find((f) => f.name === 'Ports')!.values[0]).toBe(servicePorts(service));
    expect(frame.fields.find((f) => f.name === 'Selector')!.values[0]).toBe('app=web');

    const [ingress] = normalizeAll('Ingress', [
      {
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          rules: [
            {
              host: 'shop.example.com',
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
              },
            },
          ],
        },
      },
    ]);
    expect(ingressRules(ingress)).toBe('shop.example.com/ → web:80');
  });

  it('puts event time first as a time field', () => {
    const frame = buildFrame(
      'events',
      normalizeAll('Event', [
        {
          metadata: { name: 'e1', namespace: 'shop' },
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
          count: 4,
          firstTimestamp: '2026-11-20T10:00:00Z',
          lastTimestamp: '2026-11-20T10:05:00Z',
        },
      ])
    );
    expect(frame.fields[0]).toMatchObject({
      name: 'Time',
      type: FieldType.time,
      values: [Date.parse('2026-11-20T10:05:00Z')],
    });
    expect(frame.fields.find((f) => f.name === 'Object')!.values[0]).toBe('Pod/web-1');
  });
});
