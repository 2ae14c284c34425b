using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`delta cat` and `delta log` read a table in Azurite through a connection string with Container and Prefix.</summary>
public sealed class AzuriteTableTests
{
    [Fact]
    public async Task CatAndLogReadATableInBlobStorageThroughAConnectionString()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var (account, key) = LocalDependencies.AzuriteAccount;
        var container = "cli-" + Guid.NewGuid().ToString("N")[..12];
        var store = AzureBlobObjectStore.WithAccountKey(new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/{container}"), account, key);
        await store.CreateContainerAsync();
        try
        {
            await WrittenTables.WriteAllTypesTableAsync(store, "lake/all_types");
            var location = $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};BlobEndpoint={LocalDependencies.AzuriteBlobEndpoint};Container={container};Prefix=lake/all_types";

            var cat = await CliRunner.RunAsync("delta", "cat", location, "--format", "json");
            var log = await CliRunner.RunAsync("delta", "log", location, "--format", "json");
            var missing = await CliRunner.RunAsync("delta", "cat", location.Replace("Prefix=lake/all_types", "Prefix=lake/nothing", StringComparison.Ordinal));

            Assert.Equal(0, cat.ExitCode);
            Assert.Equal(WrittenTables.WithoutSecondRow(WrittenTables.AllTypesJson, hasHeader: false), cat.Lines());
            Assert.Equal(3, log.Lines().Count);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("is not a Delta table", missing.Error, StringComparison.Ordinal);
        }
        finally
        {
            await store.DeleteContainerAsync();
        }
    }
}
