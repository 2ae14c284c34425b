namespace Serverless.Orchestrations.Activities;

/// <summary>The names StartJob schedules its activities under (registered by <see cref="Hosting.OrchestrationRegistry"/>).</summary>
public static class ActivityNames
{
    public const string Preflight = "Preflight";
    public const string RecordStartPosition = "RecordStartPosition";
    public const string DiscoverTables = "DiscoverTables";
    public const string MigrateTable = "MigrateTable";
    public const string PlanChunks = "PlanChunks";
    public const string ReadChunk = "ReadChunk";
    public const string CommitChunks = "CommitChunks";
    public const string CompleteTableSnapshot = "CompleteTableSnapshot";
}
