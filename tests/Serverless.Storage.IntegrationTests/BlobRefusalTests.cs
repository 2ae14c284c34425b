using System.Net;
using System.Net.Sockets;
using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

/// <summary>
/// Azurite's refusals are <see cref="StorageRequestException"/>s that say whether waiting can help: a rejected key or a
/// missing container is permanent and carries the fix; no answer at all is transient.
/// </summary>
public sealed class BlobRefusalTests
{
    [Fact]
    public async Task WrongAccountKeyIsAPermanentRefusalWithTheKeyAsTheFix()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var store = BlobStorageScope.OpenStore(scope.ContainerUri, "lake", accountKey: wrongKey);

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => store.PutIfAbsentAsync("probe", "x"u8.ToArray()));

        Assert.Equal(403, e.Status);
        Assert.False(e.IsTransient);
        Assert.Contains("account key", e.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingContainerIsAPermanentRefusalWithCreatingItAsTheFix()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var store = BlobStorageScope.OpenStore(new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/missing-{Guid.NewGuid():N}"), "lake");

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => store.PutIfAbsentAsync("probe", "x"u8.ToArray()));

        Assert.Equal(404, e.Status);
        Assert.Equal("ContainerNotFound", e.ErrorCode);
        Assert.False(e.IsTransient);
        Assert.Contains("create it", e.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndpointNobodyListensOnIsTransient()
    {
        // A port that was just free: nothing listens there once the listener is stopped.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new AzureBlobObjectStoreOptions();
        options.Retry.MaxRetries = 0;
        var store = AzureBlobObjectStore.WithAccountKey(
            new Uri($"http://127.0.0.1:{port}/{LocalDependencies.AzuriteAccount.Name}/c"), LocalDependencies.AzuriteAccount.Name, LocalDependencies.AzuriteAccount.Key, "lake", options);

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => store.PutIfAbsentAsync("probe", "x"u8.ToArray()));

        Assert.Equal(0, e.Status);
        Assert.True(e.IsTransient);
    }
}
