using Azure.Data.Tables;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// Tuning for <see cref="AzureTableStateStore"/>: the SDK's <see cref="TableClientOptions"/> (service version, retries,
/// timeouts, transport, diagnostics) with longer retries than the SDK's default, and the query page size.
/// </summary>
public sealed class AzureTableStateStoreOptions : TableClientOptions
{
    /// <summary>Options for the newest Table service version this SDK speaks.</summary>
    public AzureTableStateStoreOptions()
    {
        StorageRetries.Apply(Retry, TimeSpan.FromSeconds(30));
    }

    /// <summary>Options pinned to an older Table service version, e.g. for an emulator that refuses newer ones.</summary>
    public AzureTableStateStoreOptions(ServiceVersion version)
        : base(version)
    {
        StorageRetries.Apply(Retry, TimeSpan.FromSeconds(30));
    }

    /// <summary>Entities per query page (the service caps a page at 1000).</summary>
    public int PageSize { get; set; } = 1000;
}
