/**
 * The small normalized model of a cluster that every page, selector and datasource query reads.
 *
 * How to use it:
 * - `src/k8s/client.ts` lists raw objects (one paged cluster-wide LIST per kind);
 *   `src/model/normalize.ts` turns each raw object into one of the `*Model` types below
 *   (`normalize(kind, raw)`), tolerating missing optional fields;
 *   `src/model/snapshot.ts` `buildSnapshot(...)` indexes them into a {@link ClusterSnapshot} and derives every
 *   relation (owner chain, service → pods, ingress → service, …) from the declared table in `src/model/relations.ts`.
 * - Pages and selectors consume only {@link ClusterSnapshot}: `byUid`, `byKind`, `byNamespace`, `edgesFrom` /
 *   `edgesTo`. Never keep raw Kubernetes objects around: they are 10-50x larger than these models.
 *
 * Conventions: times are epoch milliseconds (number) or undefined; CPU is in cores, memory and storage in bytes;
 * absent optional data is `undefined` (never a guessed default), empty collections are `[]`/`{}`;
 * `namespace` is `undefined` for cluster-scoped kinds.
 */

/** Every kind the app reads. The API coordinates of each live in `src/k8s/kinds.ts`. */
export type KindName =
  | 'Namespace'
  | 'Node'
  | 'Pod'
  | 'Service'
  | 'EndpointSlice'
  | 'Ingress'
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'HorizontalPodAutoscaler'
  | 'PersistentVolumeClaim'
  | 'Event'
  | 'ServiceMonitor'
  | 'PodMonitor'
  | 'Probe'
  | 'MetricsInstance';

/** Overall health of one object, computed by the normalizer from its status. Ordered from best to worst in `HEALTH_ORDER`. */
export enum Health {
  /** Running / ready / complete as desired. */
  Healthy = 'healthy',
  /** Converging: rolling out, pending, scaling, container creating. Not a problem yet. */
  Progressing = 'progressing',
  /** Degraded but serving: some replicas unavailable, restarts, node pressure, warning events. */
  Warning = 'warning',
  /** Broken: CrashLoopBackOff, ImagePullBackOff, failed job, node NotReady, no ready replica. */
  Failed = 'failed',
  /** Not enough status to tell (status missing or unrecognized). */
  Unknown = 'unknown',
}

/** Health values from best to worst; use to pick the worst of several. */
export const HEALTH_ORDER: readonly Health[] = [
  Health.Healthy,
  Health.Unknown,
  Health.Progressing,
  Health.Warning,
  Health.Failed,
];

/** Why an object has its health, in words a user can act on ("CrashLoopBackOff in container api", "2/3 ready"). */
export interface StatusSummary {
  health: Health;
  /** Kubernetes phase or the dominant condition (Pod phase, PVC phase, Namespace phase, "Ready", "Complete", …). */
  phase?: string;
  /** Short machine reason (CrashLoopBackOff, OOMKilled, ProgressDeadlineExceeded, NotReady, …). */
  reason?: string;
  /** Human text for the reason. */
  message?: string;
}

/** A pointer to an object; `uid` is absent when the target is only known by name (e.g. a Service named by an Ingress). */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** metadata.ownerReferences entry. */
export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
  /** true for the managing controller (the one the owner chain follows). */
  controller: boolean;
}

/** Kubernetes LabelSelector. A Service's plain map selector is stored as `matchLabels` only. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** Requests, limits, capacity or allocatable: CPU in cores, memory and ephemeral storage in bytes, pods as a count. */
export interface ResourceQuantities {
  cpu?: number;
  memory?: number;
  ephemeralStorage?: number;
  pods?: number;
  gpu?: number;
}

/** Fields shared by every model. */
export interface ModelBase<K extends KindName = KindName> {
  kind: K;
  uid: string;
  name: string;
  /** undefined for cluster-scoped kinds (Namespace, Node). */
  namespace?: string;
  labels: Record<string, string>;
  /** Only annotations the app reads (e.g. kubectl.kubernetes.io/restartedAt); never the whole map. */
  annotations: Record<string, string>;
  createdAt?: number;
  /** Direct owners (metadata.ownerReferences); the chain is the snapshot's 'owns' edges (selectors/graph.ts topOwner). */
  owners: OwnerRef[];
  status: StatusSummary;
  /** metadata.resourceVersion, for optimistic writes and change detection. */
  resourceVersion?: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// Containers

export type ContainerStateName = 'running' | 'waiting' | 'terminated' | 'unknown';

export interface ProbeSummary {
  handler: 'http' | 'tcp' | 'exec' | 'grpc' | 'unknown';
  /** http/tcp/grpc port: number or named container port. */
  port?: number | string;
  /** http path. */
  path?: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: string;
}

/** A container as declared in a pod spec or a workload's pod template. */
export interface ContainerSpecSummary {
  name: string;
  image: string;
  requests: ResourceQuantities;
  limits: ResourceQuantities;
  ports: ContainerPort[];
  probes: { liveness?: ProbeSummary; readiness?: ProbeSummary; startup?: ProbeSummary };
}

/** A running pod's container: its spec plus its status. */
export interface ContainerSummary extends ContainerSpecSummary {
  /** true for init containers (listed separately from app containers in PodModel). */
  init: boolean;
  state: ContainerStateName;
  /** waiting/terminated reason (CrashLoopBackOff, ImagePullBackOff, Completed, OOMKilled, …). */
  reason?: string;
  message?: string;
  ready: boolean;
  restarts: number;
  startedAt?: number;
  lastTermination?: { reason?: string; exitCode?: number; finishedAt?: number };
}

// ---------------------------------------------------------------------------------------------------------------------
// Kinds

export interface NamespaceModel extends ModelBase<'Namespace'> {
  /** Active | Terminating */
  phase?: string;
}

export interface NodeCondition {
  type: string;
  /** 'True' | 'False' | 'Unknown' as Kubernetes reports it. */
  status: string;
  reason?: string;
  message?: string;
  lastTransitionAt?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeModel extends ModelBase<'Node'> {
  /** From node-role.kubernetes.io/<role> and kubernetes.io/role labels; [] when none. */
  roles: string[];
  ready: boolean;
  unschedulable: boolean;
  conditions: NodeCondition[];
  taints: Taint[];
  capacity: ResourceQuantities;
  allocatable: ResourceQuantities;
  kubeletVersion?: string;
  osImage?: string;
  kernelVersion?: string;
  containerRuntime?: string;
  architecture?: string;
  internalIP?: string;
  externalIP?: string;
  hostname?: string;
  /** topology.kubernetes.io/zone and region, node.kubernetes.io/instance-type. */
  zone?: string;
  region?: string;
  instanceType?: string;
}

export interface PodModel extends ModelBase<'Pod'> {
  /** Pending | Running | Succeeded | Failed | Unknown */
  phase?: string;
  nodeName?: string;
  podIP?: string;
  hostIP?: string;
  qosClass?: string;
  serviceAccount?: string;
  priorityClassName?: string;
  startedAt?: number;
  /** Ready condition true. */
  ready: boolean;
  /** When a ready pod became Ready (the condition's lastTransitionTime); undefined when not ready or not told. */
  readySince?: number;
  readyContainers: number;
  /** Sum of app container restarts. */
  restarts: number;
  containers: ContainerSummary[];
  initContainers: ContainerSummary[];
  /** Effective pod requests/limits: sum of app containers, max'ed with each init container (scheduler rule). */
  requests: ResourceQuantities;
  limits: ResourceQuantities;
  /** Names of PersistentVolumeClaims mounted (same namespace). */
  claimNames: string[];
  /** metadata.deletionTimestamp set (Terminating). */
  terminating: boolean;
}

export interface ServicePort {
  name?: string;
  port: number;
  /** Number or a named container port; undefined means "same as port". */
  targetPort?: number | string;
  protocol: string;
  nodePort?: number;
  appProtocol?: string;
}

export interface ServiceModel extends ModelBase<'Service'> {
  /** ClusterIP | NodePort | LoadBalancer | ExternalName */
  type: string;
  clusterIP?: string;
  /** 'None' clusterIP. */
  headless: boolean;
  externalName?: string;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip or hostname. */
  loadBalancerAddresses: string[];
  /** undefined: the service has no selector (endpoints managed by hand). */
  selector?: Record<string, string>;
  ports: ServicePort[];
}

export interface IngressBackend {
  /** Named service backend (same namespace as the ingress). */
  serviceName?: string;
  /** Service port number or name. */
  servicePort?: number | string;
  /** Resource backend (rare): kind/name. */
  resource?: { kind: string; name: string };
}

export interface IngressRule {
  /** undefined = any host. */
  host?: string;
  path?: string;
  pathType?: string;
  backend: IngressBackend;
}

export interface IngressModel extends ModelBase<'Ingress'> {
  ingressClassName?: string;
  /** One entry per host/path; a defaultBackend appears as a rule without host and path. */
  rules: IngressRule[];
  tls: Array<{ hosts: string[]; secretName?: string }>;
  /** status.loadBalancer.ingress[].ip or hostname. */
  addresses: string[];
}

export interface EndpointSliceModel extends ModelBase<'EndpointSlice'> {
  /** From label kubernetes.io/service-name. */
  serviceName?: string;
  addressType: string;
  endpoints: Array<{
    addresses: string[];
    ready: boolean;
    serving?: boolean;
    terminating?: boolean;
    nodeName?: string;
    targetRef?: ObjectRef;
  }>;
  ports: Array<{ name?: string; port?: number; protocol: string }>;
}

/** Replica counts of a workload; missing status counts are 0 (Kubernetes omits zero values). */
export interface ReplicaCounts {
  desired: number;
  /** status.replicas / currentNumberScheduled: pods that exist. */
  current: number;
  ready: number;
  available: number;
  updated: number;
}

interface WorkloadBase<K extends KindName> extends ModelBase<K> {
  selector: LabelSelector;
  replicas: ReplicaCounts;
  /** Pod template containers (images, requests/limits, probes). */
  containers: ContainerSpecSummary[];
  /** Deployment/StatefulSet/DaemonSet update strategy type. */
  strategy?: string;
  /** status.observedGeneration < metadata.generation: the controller has not yet seen the last change. */
  generationPending: boolean;
}

export interface DeploymentModel extends WorkloadBase<'Deployment'> {
  paused: boolean;
}
export type ReplicaSetModel = WorkloadBase<'ReplicaSet'>;
export interface StatefulSetModel extends WorkloadBase<'StatefulSet'> {
  serviceName?: string;
  /** volumeClaimTemplates names. */
  volumeClaimTemplates: string[];
}
export interface DaemonSetModel extends WorkloadBase<'DaemonSet'> {
  /** replicas.desired is desiredNumberScheduled; misscheduled is numberMisscheduled. */
  misscheduled: number;
}

export interface JobModel extends ModelBase<'Job'> {
  selector: LabelSelector;
  completions?: number;
  parallelism?: number;
  active: number;
  succeeded: number;
  failed: number;
  startedAt?: number;
  completedAt?: number;
  /** Complete | Failed | Running | Suspended */
  outcome: 'Complete' | 'Failed' | 'Running' | 'Suspended';
  containers: ContainerSpecSummary[];
}

export interface CronJobModel extends ModelBase<'CronJob'> {
  schedule: string;
  timeZone?: string;
  suspend: boolean;
  lastScheduleAt?: number;
  lastSuccessfulAt?: number;
  /** Jobs currently running. */
  activeJobs: ObjectRef[];
  containers: ContainerSpecSummary[];
}

export interface HpaMetric {
  /** Resource | Pods | Object | External | ContainerResource */
  type: string;
  /** cpu, memory or the custom metric name. */
  name: string;
  /** e.g. "80%" or "500m" or "100". */
  target?: string;
  current?: string;
}

export interface HorizontalPodAutoscalerModel extends ModelBase<'HorizontalPodAutoscaler'> {
  /** scaleTargetRef: same namespace. */
  target: { kind: string; name: string; apiVersion?: string };
  minReplicas?: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  metrics: HpaMetric[];
}

export interface PersistentVolumeClaimModel extends ModelBase<'PersistentVolumeClaim'> {
  /** Pending | Bound | Lost */
  phase?: string;
  storageClassName?: string;
  volumeName?: string;
  accessModes: string[];
  /** spec.resources.requests.storage in bytes. */
  requestedBytes?: number;
  /** status.capacity.storage in bytes. */
  capacityBytes?: number;
}

export interface EventModel extends ModelBase<'Event'> {
  /** Normal | Warning */
  type: string;
  reason?: string;
  message?: string;
  involvedObject: ObjectRef;
  count: number;
  firstAt?: number;
  lastAt?: number;
  /** source.component or reportingController. */
  source?: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// Monitoring custom resources (prometheus-operator's monitoring.coreos.com/v1, Grafana Agent Operator's
// monitoring.grafana.com/v1alpha1): optional kinds, read to tell which Services and pods are scraped.

/** prometheus-operator's NamespaceSelector: `any`, a list of names, or (neither) the monitor's own namespace. */
export interface MonitorNamespaces {
  any: boolean;
  matchNames: string[];
}

/** One scrape endpoint of a ServiceMonitor (Service port) or PodMonitor (container port). */
export interface MonitorEndpoint {
  /** Port name: of the Service (ServiceMonitor) or of a container (PodMonitor). */
  port?: string;
  /** PodMonitor portNumber: a container port number. */
  portNumber?: number;
  /** Deprecated targetPort: the pod's port, by number or name. */
  targetPort?: number | string;
  path?: string;
}

export interface ServiceMonitorModel extends ModelBase<'ServiceMonitor'> {
  selector: LabelSelector;
  namespaceSelector: MonitorNamespaces;
  endpoints: MonitorEndpoint[];
}

export interface PodMonitorModel extends ModelBase<'PodMonitor'> {
  selector: LabelSelector;
  namespaceSelector: MonitorNamespaces;
  endpoints: MonitorEndpoint[];
}

export interface ProbeModel extends ModelBase<'Probe'> {
  /** spec.targets.ingress: the Ingresses it probes; undefined when it probes static targets only. */
  ingressSelector?: LabelSelector;
  ingressNamespaces: MonitorNamespaces;
  /** spec.targets.staticConfig.static: URLs or host:port. */
  staticTargets: string[];
  proberUrl?: string;
  module?: string;
}

/**
 * A Grafana Agent MetricsInstance's choice of monitors. A selector left out (undefined) selects no monitor of that
 * kind; a namespace selector left out means the instance's own namespace only (the operator's documented defaults).
 */
export interface MetricsInstanceModel extends ModelBase<'MetricsInstance'> {
  serviceMonitorSelector?: LabelSelector;
  serviceMonitorNamespaceSelector?: LabelSelector;
  podMonitorSelector?: LabelSelector;
  podMonitorNamespaceSelector?: LabelSelector;
  probeSelector?: LabelSelector;
  probeNamespaceSelector?: LabelSelector;
}

/** Map from kind name to its model type. */
export interface ModelByKind {
  Namespace: NamespaceModel;
  Node: NodeModel;
  Pod: PodModel;
  Service: ServiceModel;
  EndpointSlice: EndpointSliceModel;
  Ingress: IngressModel;
  Deployment: DeploymentModel;
  ReplicaSet: ReplicaSetModel;
  StatefulSet: StatefulSetModel;
  DaemonSet: DaemonSetModel;
  Job: JobModel;
  CronJob: CronJobModel;
  HorizontalPodAutoscaler: HorizontalPodAutoscalerModel;
  PersistentVolumeClaim: PersistentVolumeClaimModel;
  Event: EventModel;
  ServiceMonitor: ServiceMonitorModel;
  PodMonitor: PodMonitorModel;
  Probe: ProbeModel;
  MetricsInstance: MetricsInstanceModel;
}

export type AnyModel = ModelByKind[KindName];
export type WorkloadModel =
  DeploymentModel | StatefulSetModel | DaemonSetModel | ReplicaSetModel | JobModel | CronJobModel;

// ---------------------------------------------------------------------------------------------------------------------
// Relations and the snapshot

/**
 * The relation names; each is declared once in src/model/relations.ts with how it is derived.
 * Direction is always from → to as read aloud: "Deployment owns ReplicaSet", "Service selects Pod".
 */
export type RelationName =
  /** ownerReferences controller: Deployment→ReplicaSet, ReplicaSet/StatefulSet/DaemonSet/Job→Pod, CronJob→Job. */
  | 'owns'
  /** Service → Pod by the service's selector, same namespace. */
  | 'selects'
  /** Ingress → Service (edge carries the service port). */
  | 'routesTo'
  /** EndpointSlice → Service (label kubernetes.io/service-name). */
  | 'endpointsOf'
  /** HPA → its scale target. */
  | 'scales'
  /** Pod → Node (spec.nodeName). */
  | 'runsOn'
  /** Pod → PersistentVolumeClaim. */
  | 'mounts'
  /** Event → its involved object (when that object's kind is one the app lists). */
  | 'about';

export interface Edge {
  relation: RelationName;
  /** uid of the source object (always present in the snapshot). */
  from: string;
  /** uid of the target when it is in the snapshot; undefined when `missing`. */
  to?: string;
  /** The target as named by the source (kept so a dangling reference can be shown: "Ingress → Service web (missing)"). */
  toRef: ObjectRef;
  /** The target is named but absent from the snapshot (deleted, or its kind could not be listed). */
  missing: boolean;
  /** routesTo: the service port named by the ingress. */
  port?: number | string;
}

/** Load state of one kind in a snapshot: pages show what loaded and name what did not. */
export interface KindLoadState {
  /** 'absent': an optional kind (a custom resource) the cluster does not serve; not an error. */
  state: 'ok' | 'error' | 'skipped' | 'absent';
  count: number;
  /** The typed error (K8sError from src/k8s/errors.ts) when state is 'error'. */
  error?: Error;
  /** epoch ms of the successful list. */
  fetchedAt?: number;
}

/** Objects of one namespace, by kind. Pages and selectors start here instead of filtering all pods. */
export type NamespaceIndex = { [K in KindName]: Array<ModelByKind[K]> };

/**
 * Everything the pages read about one cluster, immutable once built (rebuild on refresh; keep the last good one when
 * a refresh fails). Built by `buildSnapshot` in src/model/snapshot.ts.
 */
export interface ClusterSnapshot {
  /** epoch ms when the snapshot was built. */
  builtAt: number;
  byUid: Map<string, AnyModel>;
  byKind: NamespaceIndex;
  /** namespace name → objects in it. Cluster-scoped kinds are not here. */
  byNamespace: Map<string, NamespaceIndex>;
  /** Lookup by `objectKey(kind, namespace, name)` from src/model/snapshot.ts. */
  byKey: Map<string, AnyModel>;
  /** uid → outgoing / incoming edges. */
  edgesFrom: Map<string, Edge[]>;
  edgesTo: Map<string, Edge[]>;
  /** Per kind: loaded, failed (with typed error) or skipped. */
  kinds: Record<KindName, KindLoadState>;
}
