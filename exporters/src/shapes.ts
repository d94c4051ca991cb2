/**
 * The parts of Kubernetes JSON objects (as the API serves them) that the metrics generators read.
 * Structural types, so they accept the cluster store's objects without conversion.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }>;
}

export interface K8sObject {
  metadata: ObjectMeta;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  lastTransitionTime?: string;
}

export type ResourceList = Record<string, string | number>;

export interface ContainerSpec {
  name: string;
  image: string;
  restartPolicy?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; startedAt?: string; finishedAt?: string; containerID?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID?: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Pod extends K8sObject {
  spec: {
    nodeName?: string;
    hostNetwork?: boolean;
    priorityClassName?: string;
    restartPolicy?: string;
    serviceAccountName?: string;
    schedulerName?: string;
    tolerations?: Array<{
      key?: string;
      operator?: string;
      value?: string;
      effect?: string;
      tolerationSeconds?: number;
    }>;
    volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }>;
    containers: ContainerSpec[];
    initContainers?: ContainerSpec[];
  };
  status?: {
    phase?: string;
    reason?: string;
    hostIP?: string;
    podIP?: string;
    podIPs?: Array<{ ip: string }>;
    qosClass?: string;
    startTime?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface Node extends K8sObject {
  spec?: {
    unschedulable?: boolean;
    podCIDR?: string;
    podCIDRs?: string[];
    providerID?: string;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    conditions?: Condition[];
    addresses?: Array<{ type: string; address: string }>;
    nodeInfo?: {
      kernelVersion?: string;
      osImage?: string;
      containerRuntimeVersion?: string;
      kubeletVersion?: string;
      kubeProxyVersion?: string;
      systemUUID?: string;
    };
  };
}

interface ReplicaStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  unavailableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    paused?: boolean;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  };
  status?: ReplicaStatus;
}

export interface ReplicaSet extends K8sObject {
  spec: { replicas?: number };
  status?: ReplicaStatus & { fullyLabeledReplicas?: number };
}

export interface StatefulSet extends K8sObject {
  spec: {
    replicas?: number;
    ordinals?: { start?: number };
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  };
  status?: ReplicaStatus & { currentReplicas?: number; currentRevision?: string; updateRevision?: string };
}

export interface DaemonSet extends K8sObject {
  status?: {
    currentNumberScheduled?: number;
    desiredNumberScheduled?: number;
    numberAvailable?: number;
    numberMisscheduled?: number;
    numberReady?: number;
    numberUnavailable?: number;
    observedGeneration?: number;
    updatedNumberScheduled?: number;
  };
}

export interface Job extends K8sObject {
  spec: { parallelism?: number; completions?: number; activeDeadlineSeconds?: number; suspend?: boolean };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: Condition[];
  };
}

export interface CronJob extends K8sObject {
  spec: {
    schedule: string;
    timeZone?: string;
    concurrencyPolicy?: string;
    suspend?: boolean;
    startingDeadlineSeconds?: number;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
  };
  status?: { active?: unknown[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

export interface Namespace extends K8sObject {
  status?: { phase?: string };
}

export interface Service extends K8sObject {
  spec: {
    type?: string;
    clusterIP?: string;
    externalName?: string;
    externalTrafficPolicy?: string;
    loadBalancerIP?: string;
    externalIPs?: string[];
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export interface Ingress extends K8sObject {
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    rules?: Array<{
      host?: string;
      http?: { paths: Array<{ path?: string; pathType?: string; backend: IngressBackend }> };
    }>;
    tls?: Array<{ hosts?: string[]; secretName?: string }>;
  };
}

export interface MetricSpec {
  type: string;
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: { name: string }; target: MetricTarget };
  object?: { metric: { name: string }; target: MetricTarget };
  external?: { metric: { name: string }; target: MetricTarget };
}

interface MetricTarget {
  type: string;
  value?: string | number;
  averageValue?: string | number;
  averageUtilization?: number;
}

export interface MetricStatus {
  type: string;
  resource?: { name: string; current: MetricValueStatus };
  containerResource?: { name: string; container: string; current: MetricValueStatus };
  pods?: { metric: { name: string }; current: MetricValueStatus };
  object?: { metric: { name: string }; current: MetricValueStatus };
  external?: { metric: { name: string }; current: MetricValueStatus };
}

interface MetricValueStatus {
  value?: string | number;
  averageValue?: string | number;
  averageUtilization?: number;
}

export interface HorizontalPodAutoscaler extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
  };
  status?: {
    currentReplicas?: number;
    desiredReplicas?: number;
    conditions?: Condition[];
    currentMetrics?: MetricStatus[];
  };
}

export interface PersistentVolumeClaim extends K8sObject {
  spec: {
    storageClassName?: string;
    volumeName?: string;
    volumeMode?: string;
    accessModes?: string[];
    resources?: { requests?: ResourceList };
  };
  status?: { phase?: string; conditions?: Condition[] };
}

/** What the metrics endpoints read at scrape time: the current objects and the store's clock. */
export interface ClusterView {
  nowMs(): number;
  pods(): Iterable<Pod>;
  podsOnNode(node: string): Iterable<Pod>;
  node(name: string): Node | undefined;
  nodes(): Iterable<Node>;
  deployments(): Iterable<Deployment>;
  replicaSets(): Iterable<ReplicaSet>;
  statefulSets(): Iterable<StatefulSet>;
  daemonSets(): Iterable<DaemonSet>;
  jobs(): Iterable<Job>;
  cronJobs(): Iterable<CronJob>;
  namespaces(): Iterable<Namespace>;
  services(): Iterable<Service>;
  ingresses(): Iterable<Ingress>;
  horizontalPodAutoscalers(): Iterable<HorizontalPodAutoscaler>;
  persistentVolumeClaims(): Iterable<PersistentVolumeClaim>;
}
