// Which container (and Kubernetes pod UID) a process belongs to, read from /proc/<pid>/cgroup.
// This is how a PID that nvidia-smi reports is tied back to a pod: container id → the pod that
// runs it, via the Kubernetes API. Covers cgroup v1 and v2, the cgroupfs and systemd drivers,
// and containerd, Docker and CRI-O.

export interface ContainerRef {
  /** 64-hex container id, as in a pod's `status.containerStatuses[].containerID` after `<runtime>://`. */
  containerId: string;
  runtime: 'containerd' | 'docker' | 'cri-o' | null;
  /** The pod's UID when the cgroup path names one (kubepods), else null. */
  podUid: string | null;
}

const ID = '[0-9a-f]{64}';
/** systemd driver: `cri-containerd-<id>.scope`, `docker-<id>.scope`, `crio-<id>.scope` (not `crio-conmon-`). */
const SCOPE = new RegExp(`(?:^|/)(cri-containerd|docker|crio)-(${ID})\\.scope(?:/|$)`);
/** cgroupfs driver: `/kubepods/<qos>/pod<uid>/<id>`, `/docker/<id>`, or a bare last segment. */
const SEGMENT = new RegExp(`/(${ID})(?:/|$)`);
const POD_UID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;

const RUNTIME = { 'cri-containerd': 'containerd', docker: 'docker', crio: 'cri-o' } as const;

/** Parses the text of /proc/<pid>/cgroup; undefined for a process outside any container. */
export function containerOf(cgroupText: string): ContainerRef | undefined {
  for (const line of cgroupText.split('\n')) {
    // "hierarchy-id:controllers:path"; the path may itself contain ':'
    const path = line.split(':').slice(2).join(':').trim();
    if (!path) continue;
    const podUid = POD_UID.exec(path)?.[1]?.replaceAll('_', '-') ?? null;
    const scope = SCOPE.exec(path);
    if (scope?.[1] && scope[2]) {
      return { containerId: scope[2], runtime: RUNTIME[scope[1] as keyof typeof RUNTIME], podUid };
    }
    const seg = SEGMENT.exec(path);
    if (seg?.[1]) {
      const runtime = path.startsWith('/docker/') ? 'docker' : null;
      return { containerId: seg[1], runtime, podUid };
    }
  }
  return undefined;
}
