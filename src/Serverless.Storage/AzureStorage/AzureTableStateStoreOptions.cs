using Azure.Core;
using Azure.Data.Tables;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// Tuning for <see cref="AzureTableStateStore"/>: the SDK's <see cref="TableClientOptions"/> (service version, retries,
/// timeouts, transport, diagnostics) with longer retries than the SDK's default, and the query page size.
/// </summary>
public sealed class AzureTableStateStoreOptions : TableClientOptions
{
    public AzureTableStateStoreOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 6;
        Retry.Delay = TimeSpan.FromMilliseconds(400);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>Entities per query page (the service caps a page at 1000).</summary>
    public int PageSize { get; set; } = 1000;
}
