namespace Serverless.Cdc.Transport.Embedded;

/// <summary>When the embedded log acknowledges a publish.</summary>
public enum LogDurability
{
    /// <summary>
    /// After fsync of the batch's bytes: an acknowledged batch survives a process kill and a power loss. Costs one
    /// fsync per batch (per partition publish), which bounds a partition at roughly one batch per disk flush.
    /// </summary>
    FlushToDisk,

    /// <summary>
    /// After the write reaches the operating system: survives a process kill, not a power loss or kernel crash.
    /// For tests and measurements; a job should not use it, because capture checkpoints on the acknowledgement.
    /// </summary>
    OperatingSystemCache,
}
