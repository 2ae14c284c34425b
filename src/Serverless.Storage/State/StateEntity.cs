namespace Serverless.Storage.State;

/// <summary>One stored entity: its keys, its JSON document and the version tag for conditional updates.</summary>
public sealed record StateEntity(string PartitionKey, string RowKey, string Json, string ETag, DateTimeOffset Timestamp);
