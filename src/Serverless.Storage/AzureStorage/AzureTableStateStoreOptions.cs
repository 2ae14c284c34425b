using Azure.Core;

namespace Serverless.Storage.AzureStorage;

/// <summary>Tuning for <see cref="AzureTableStateStore"/>; retries, timeouts and diagnostics come from <see cref="ClientOptions"/>.</summary>
public sealed class AzureTableStateStoreOptions : ClientOptions
{
    public AzureTableStateStoreOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 6;
        Retry.Delay = TimeSpan.FromMilliseconds(400);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>The x-ms-version sent with every request.</summary>
    public string ServiceVersion { get; set; } = "2019-02-02";

    /// <summary>$top of each query page (the service caps it at 1000).</summary>
    public int PageSize { get; set; } = 1000;
}
