namespace Serverless.Storage.State;

/// <summary>One stored entity: its keys, its JSON document and the version tag for conditional updates.</summary>
public sealed record StateEntity(string PartitionKey, string RowKey, string Json, string ETag, DateTimeOffset Timestamp)
{
    /// <summary>The longest JSON document every store accepts, in characters: one Azure Table string property (64 KiB of UTF-16).</summary>
    public const int MaxJsonLength = 32_000;
}
