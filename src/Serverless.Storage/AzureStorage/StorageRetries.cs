using Azure.Core;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// Retries for both storage clients: a job outlives throttling and short outages, so more and longer retries than
/// the SDK's default of 3.
/// </summary>
internal static class StorageRetries
{
    public static void Apply(RetryOptions retry, TimeSpan networkTimeout)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 6;
        retry.Delay = TimeSpan.FromMilliseconds(400);
        retry.MaxDelay = TimeSpan.FromSeconds(30);
        retry.NetworkTimeout = networkTimeout;
    }
}
