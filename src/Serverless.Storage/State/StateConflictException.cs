namespace Serverless.Storage.State;

/// <summary>A conditional state write lost: the entity exists already, changed since it was read, or was deleted.</summary>
public sealed class StateConflictException : IOException
{
    public StateConflictException(string location, string partitionKey, string rowKey, string reason)
        : base($"State entity ({partitionKey}, {rowKey}) in {location}: {reason}. Read it again and retry the change.")
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }
}
