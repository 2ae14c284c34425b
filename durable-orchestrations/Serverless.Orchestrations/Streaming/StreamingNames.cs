namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The durable names of the streaming supervisors and their activities, and their instance ids: one capture supervisor
/// per job and one writer supervisor per change-log partition (the ids make a second start of either a no-op), one
/// compaction supervisor and one re-snapshot supervisor per job.
/// </summary>
public static class StreamingNames
{
    public const string CaptureSupervisor = "CaptureSupervisor";
    public const string WriterSupervisor = "WriterSupervisor";
    public const string CompactionSupervisor = "CompactionSupervisor";
    public const string ResnapshotSupervisor = "ResnapshotSupervisor";

    public const string CaptureSegment = "CaptureSegment";
    public const string WriterSegment = "WriterSegment";
    public const string CompactTables = "CompactTables";
    public const string ResnapshotTables = "ResnapshotTables";

    public static string CaptureInstanceId(string jobName) => "capture-" + jobName;

    public static string WriterInstanceId(string jobName, int partition) =>
        "writer-" + jobName + "-p" + partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string CompactionInstanceId(string jobName) => "compact-" + jobName;

    public static string ResnapshotInstanceId(string jobName) => "resnapshot-" + jobName;
}
