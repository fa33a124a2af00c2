// /proc/<pid>/cgroup → container id (+ pod UID), in every layout the kubelet and runtimes produce.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containerOf } from '../../src/gpu/cgroup.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gpu/cgroup/${name}`, import.meta.url), 'utf8');

describe('containerOf', () => {
  it('cgroup v1, cgroupfs driver: /kubepods/<qos>/pod<uid>/<id>', () => {
    expect(containerOf(fixture('v1-cgroupfs-burstable.txt'))).toEqual({
      containerId: '5b1f0e3c9a7d2b4f6e8a0c1d3e5f7a9b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f',
      runtime: null,
      podUid: '8a1c2f3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b',
    });
  });

  it('cgroup v2, systemd driver, containerd: the pod UID comes back with dashes', () => {
    expect(containerOf(fixture('v2-systemd-containerd.txt'))).toEqual({
      containerId: 'd254b91e9b76d5e6a1b787f4fc6004f0f6318ac910360ee0a1b2c3d4e5f60718',
      runtime: 'containerd',
      podUid: '3f6b1c2e-9d4a-4e2b-8f1c-0a9b8c7d6e5f',
    });
  });

  it('cgroup v1, systemd driver, Docker (dockershim)', () => {
    expect(containerOf(fixture('v1-systemd-docker.txt'))).toMatchObject({ runtime: 'docker', podUid: '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f' });
  });

  it('cgroup v2, CRI-O, guaranteed QoS (no QoS slice)', () => {
    expect(containerOf(fixture('v2-crio.txt'))).toEqual({
      containerId: '4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
      runtime: 'cri-o',
      podUid: '9e8d7c6b-5a4f-3e2d-1c0b-a9f8e7d6c5b4',
    });
  });

  it('a Docker container outside Kubernetes has a container id but no pod UID', () => {
    expect(containerOf(fixture('docker-standalone-v1.txt'))).toEqual({
      containerId: '2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e',
      runtime: 'docker',
      podUid: null,
    });
  });

  it('a host process (login session) is in no container', () => {
    expect(containerOf(fixture('host-process-v2.txt'))).toBeUndefined();
    expect(containerOf('')).toBeUndefined();
  });

  it('ignores the CRI-O conmon scope (the monitor, not the container)', () => {
    const conmon = '0::/kubepods.slice/kubepods-pod9e8d7c6b_5a4f_3e2d_1c0b_a9f8e7d6c5b4.slice/crio-conmon-4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b.scope\n';
    expect(containerOf(conmon)).toBeUndefined();
  });
});
