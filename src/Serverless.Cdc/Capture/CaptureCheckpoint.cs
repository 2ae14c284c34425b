namespace Serverless.Cdc.Capture;

/// <summary>
/// What capture has durably handed to the change transport, kept in the state store under the job (row
/// <c>capture-checkpoint</c>): the restart point at the last transaction boundary whose changes the transport
/// acknowledged, the GTID state there, the source server it was read from with its source generation, and the schema
/// version of every table at that point. <see cref="Owner"/> is the capture that holds the job; another capture that takes the row over
/// fences this one out.
/// </summary>
public sealed record CaptureCheckpoint
{
    /// <summary>The capture run that wrote it (a new id per run).</summary>
    public required string Owner { get; init; }

    /// <summary>Grows by one each time a capture run takes the job over.</summary>
    public long Epoch { get; init; }

    /// <summary>A <see cref="Serverless.MySql.Replication.ReplicationResumePoint"/> in its text form; empty before the first checkpoint.</summary>
    public string ResumePoint { get; init; } = string.Empty;

    /// <summary>MySQL: the executed GTID set at the resume point (P0's set plus every transaction since); null on MariaDB.</summary>
    public string? MySqlGtidExecuted { get; init; }

    /// <summary>@@server_id of the source that produced the resume point; a different one means a failover (resume by GTID).</summary>
    public long? SourceServerId { get; init; }

    /// <summary>MySQL's @@server_uuid of that source; null on MariaDB.</summary>
    public string? SourceServerUuid { get; init; }

    /// <summary>
    /// The source generation of that source (<see cref="SourcePosition.Generation"/>): 0 for the server P0 was read
    /// from, one more each time capture resumed on another server. Not <see cref="Epoch"/>, which counts capture runs.
    /// </summary>
    public long SourceGeneration { get; init; }

    /// <summary>Schema version per <c>db.table</c> at the resume point.</summary>
    public IReadOnlyDictionary<string, long> SchemaVersions { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Change events published up to the resume point, over all runs.</summary>
    public long ChangesPublished { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
