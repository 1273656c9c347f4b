package io.realmcluster.controlplane.registry;

/** A node's entry in etcd as one link wrote it: the lease it lives under and the revision last written. */
public record Registration(String nodeId, long leaseId, long modRevision) {}
